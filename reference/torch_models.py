"""Independent PyTorch implementation of attnlab's six architectures (docs/method.md §1).

It is the reference that golden fixtures and benchmarks compare attnlab against: written directly in
PyTorch (torch.nn.GRU on a PackedSequence, nn.Conv1d, ...), not translated from the TypeScript code.
Parameter names are the ones attnlab's models use, so weights move between the two by name.

Inputs (all int64):
  FLAN: tokens (B, L), padding id 0, lengths (B,) >= 1
  HAN:  tokens (B, S, T), sentence lengths (B, S) (0 for padding sentences), sentence counts (B,) >= 1
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence


class RnnEncoder(nn.Module):
    """Bidirectional GRU, 50 units per direction; padding never enters either direction."""

    def __init__(self, d_in, hidden=50):
        super().__init__()
        self.gru = nn.GRU(d_in, hidden, batch_first=True, bidirectional=True)
        self.out_dim = 2 * hidden

    def forward(self, x, lengths):  # (N, T, D), (N,) -> (N, T, 2H)
        packed = pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=False)
        out, _ = self.gru(packed)
        out, _ = pad_packed_sequence(out, batch_first=True, total_length=x.size(1))
        return out


class ConvEncoder(nn.Module):
    """Widths 5 and 3, 50 filters each, zero 'same' padding, ReLU, concatenated."""

    def __init__(self, d_in, filters=50):
        super().__init__()
        self.conv5 = nn.Conv1d(d_in, filters, 5, padding=2)
        self.conv3 = nn.Conv1d(d_in, filters, 3, padding=1)
        self.out_dim = 2 * filters

    def forward(self, x, lengths):  # (N, T, D) with zeros at padding -> (N, T, 2F)
        xt = x.transpose(1, 2)
        return torch.cat([F.relu(self.conv5(xt)), F.relu(self.conv3(xt))], dim=1).transpose(1, 2)


class NoEncoder(nn.Module):
    def __init__(self, d_in):
        super().__init__()
        self.out_dim = d_in

    def forward(self, x, lengths):
        return x


def make_encoder(kind, d_in):
    return {"rnn": RnnEncoder, "conv": ConvEncoder, "noenc": NoEncoder}[kind](d_in)


class Attention(nn.Module):
    """u_i = tanh(W h_i + b), score_i = u_i . c, alpha = softmax over unmasked positions."""

    def __init__(self, d):
        super().__init__()
        self.proj = nn.Linear(d, d)
        self.context = nn.Parameter(torch.empty(d))

    def forward(self, h, mask):  # (N, T, D), (N, T) bool -> alpha (N, T), s (N, D)
        scores = torch.tanh(self.proj(h)).matmul(self.context)
        alpha = torch.softmax(scores.masked_fill(~mask, float("-inf")), dim=1)
        return alpha, torch.bmm(alpha.unsqueeze(1), h).squeeze(1)


class Flan(nn.Module):
    def __init__(self, encoder, vocab, classes, emb=200, dropout_encoder=0.0, dropout_classifier=0.0):
        super().__init__()
        self.embedding = nn.Embedding(vocab, emb, padding_idx=0)
        self.dropout_encoder = nn.Dropout(dropout_encoder)
        self.encoder = make_encoder(encoder, emb)
        self.attention = Attention(self.encoder.out_dim)
        self.dropout_classifier = nn.Dropout(dropout_classifier)
        self.classifier = nn.Linear(self.encoder.out_dim, classes)

    def forward(self, tokens, lengths):
        mask = tokens != 0
        x = self.dropout_encoder(self.embedding(tokens)) * mask.unsqueeze(-1)
        h = self.encoder(x, lengths)
        alpha, s = self.attention(h, mask)
        return self.classifier(self.dropout_classifier(s)), alpha, h


class Han(nn.Module):
    def __init__(self, encoder, vocab, classes, emb=200, dropout_word=0.0, dropout_sentence=0.0, dropout_classifier=0.0):
        super().__init__()
        self.embedding = nn.Embedding(vocab, emb, padding_idx=0)
        self.dropout_word = nn.Dropout(dropout_word)
        self.word_encoder = make_encoder(encoder, emb)
        self.word_attention = Attention(self.word_encoder.out_dim)
        self.dropout_sentence = nn.Dropout(dropout_sentence)
        self.sentence_encoder = make_encoder(encoder, self.word_encoder.out_dim)
        self.sentence_attention = Attention(self.sentence_encoder.out_dim)
        self.dropout_classifier = nn.Dropout(dropout_classifier)
        self.classifier = nn.Linear(self.sentence_encoder.out_dim, classes)

    def forward(self, tokens, sent_lengths, sent_counts):
        B, S, T = tokens.shape
        flat = tokens.reshape(B * S, T)
        flat_len = sent_lengths.reshape(B * S)
        real = (flat_len > 0).nonzero().squeeze(1)  # only real sentences pass the word level
        words = flat.index_select(0, real)
        wmask = words != 0
        x = self.dropout_word(self.embedding(words)) * wmask.unsqueeze(-1)
        h = self.word_encoder(x, flat_len.index_select(0, real))
        _, sv = self.word_attention(h, wmask)  # (R, D)
        sents = torch.zeros(B * S, sv.size(1), dtype=sv.dtype).index_copy(0, real, sv).reshape(B, S, -1)
        smask = sent_lengths > 0
        xs = self.dropout_sentence(sents) * smask.unsqueeze(-1)
        hs = self.sentence_encoder(xs, sent_counts)
        alpha, s = self.sentence_attention(hs, smask)
        return self.classifier(self.dropout_classifier(s)), alpha, hs


def init_weights(model, gen=None):
    """docs/method.md §1: Xavier-uniform linear/conv weights, orthogonal GRU recurrent weights (per gate), zero biases.
    The context vector: uniform(-1/sqrt(D), 1/sqrt(D)). Embeddings: normal(0, 1) with a zero padding row."""
    for name, p in model.named_parameters():
        with torch.no_grad():
            if name.endswith("context"):
                b = 1 / math.sqrt(p.numel())
                p.uniform_(-b, b, generator=gen)
            elif "bias" in name:
                p.zero_()
            elif "weight_hh" in name:
                H = p.size(1)
                for g in range(3):
                    nn.init.orthogonal_(p[g * H:(g + 1) * H])
            elif name == "embedding.weight":
                p.normal_(0, 1, generator=gen)
                p[0].zero_()
            else:
                nn.init.xavier_uniform_(p)


def build(arch, vocab, classes, emb=200, **dropouts):
    family, encoder = arch.split("-")
    cls = {"han": Han, "flan": Flan}[family]
    return cls(encoder, vocab, classes, emb=emb, **dropouts)
