"""Independent PyTorch implementation of BERT, DistilBERT and RoBERTa sequence classifiers.

Written from the papers (Devlin et al. 2019; Sanh et al. 2019; Liu et al. 2019) in plain torch.nn, without
the `transformers` library, so that attnlab's TypeScript transformers can be checked against something
that does not share their code. Module names follow the Hugging Face checkpoints, so every parameter's
name here is its key in a Hugging Face `model.safetensors` (e.g. `bert.encoder.layer.1.attention.self.query.weight`),
and the models are configured from the same `config.json` keys.

Differences from `transformers` that do not change any output in eval mode: padding is masked with -inf
(transformers adds the dtype's minimum; both give a probability of exactly 0, and every row has at least
one real position), and dropout modules are kept only where a checkpoint would need them for names.

Hooks for the erasure tests: every self-attention module has `probs_hook`, a function (B, H, T, T) ->
(B, H, T, T) applied to the attention probabilities after the softmax and before they weight the values,
and records the probabilities it used in `last_probs`. `set_last_row(model, fn)` installs a hook on the LAST
layer that replaces query position 0's row, the row the classifier reads.

Inputs (int64): input_ids (B, T), attention_mask (B, T) with 1 for real tokens, token_type_ids (B, T)
(BERT and RoBERTa; DistilBERT has none). Outputs of `forward`: dict with `logits` (B, C), `hidden_states`
(list of the (B, T, d) tensors entering each layer, then the final output) and `attentions` (list of
(B, H, T, T) per layer).
"""
import json
import math
import os

import torch
import torch.nn as nn
import torch.nn.functional as F


# ---------------------------------------------------------------- shared pieces

def activation(name):
    # Hugging Face "gelu" is the exact erf form; "gelu_new" would be the tanh approximation.
    if name == "gelu":
        return lambda x: F.gelu(x)
    if name == "relu":
        return F.relu
    raise ValueError(f"unsupported activation {name!r}")


def scaled_dot_product(q, k, v, mask, heads, hook):
    """q, k, v (B, T, d); mask (B, T) bool -> context (B, T, d), probs (B, H, T, T)."""
    B, T, d = q.shape
    dh = d // heads

    def split(x):  # (B, T, d) -> (B, H, T, dh)
        return x.view(B, T, heads, dh).transpose(1, 2)

    scores = split(q) @ split(k).transpose(-1, -2) / math.sqrt(dh)  # (B, H, T, T)
    scores = scores.masked_fill(~mask[:, None, None, :], float("-inf"))
    probs = torch.softmax(scores, dim=-1)  # (B, H, T, T)
    if hook is not None:
        probs = hook(probs)
    ctx = probs @ split(v)  # (B, H, T, dh)
    return ctx.transpose(1, 2).reshape(B, T, d), probs


# ---------------------------------------------------------------- BERT (and RoBERTa's body)

class BertEmbeddings(nn.Module):
    def __init__(self, cfg, padding_idx=None):
        super().__init__()
        d = cfg["hidden_size"]
        self.word_embeddings = nn.Embedding(cfg["vocab_size"], d)
        self.position_embeddings = nn.Embedding(cfg["max_position_embeddings"], d)
        self.token_type_embeddings = nn.Embedding(cfg["type_vocab_size"], d)
        self.LayerNorm = nn.LayerNorm(d, eps=cfg["layer_norm_eps"])
        self.padding_idx = padding_idx  # RoBERTa only: positions count from padding_idx + 1

    def position_ids(self, input_ids):  # (B, T) -> (B, T)
        if self.padding_idx is None:
            return torch.arange(input_ids.shape[1]).expand_as(input_ids)
        real = input_ids.ne(self.padding_idx).long()
        # RoBERTa (fairseq): the i-th real token gets position padding_idx + i (i from 1); padding gets padding_idx.
        return torch.cumsum(real, dim=1) * real + self.padding_idx

    def forward(self, input_ids, token_type_ids):  # (B, T) -> (B, T, d)
        x = self.word_embeddings(input_ids) + self.position_embeddings(self.position_ids(input_ids))
        x = x + self.token_type_embeddings(token_type_ids)
        return self.LayerNorm(x)


class BertSelfAttention(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d = cfg["hidden_size"]
        self.heads = cfg["num_attention_heads"]
        self.query = nn.Linear(d, d)
        self.key = nn.Linear(d, d)
        self.value = nn.Linear(d, d)
        self.probs_hook = None
        self.last_probs = None

    def forward(self, x, mask):  # (B, T, d) -> (B, T, d)
        ctx, probs = scaled_dot_product(self.query(x), self.key(x), self.value(x), mask, self.heads, self.probs_hook)
        self.last_probs = probs
        return ctx


class BertSelfOutput(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.dense = nn.Linear(cfg["hidden_size"], cfg["hidden_size"])
        self.LayerNorm = nn.LayerNorm(cfg["hidden_size"], eps=cfg["layer_norm_eps"])

    def forward(self, ctx, x):  # post-LN residual
        return self.LayerNorm(self.dense(ctx) + x)


class BertAttention(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.self = BertSelfAttention(cfg)
        self.output = BertSelfOutput(cfg)

    def forward(self, x, mask):
        return self.output(self.self(x, mask), x)


class BertIntermediate(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.dense = nn.Linear(cfg["hidden_size"], cfg["intermediate_size"])
        self.act = activation(cfg["hidden_act"])

    def forward(self, x):
        return self.act(self.dense(x))


class BertOutput(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.dense = nn.Linear(cfg["intermediate_size"], cfg["hidden_size"])
        self.LayerNorm = nn.LayerNorm(cfg["hidden_size"], eps=cfg["layer_norm_eps"])

    def forward(self, h, x):
        return self.LayerNorm(self.dense(h) + x)


class BertLayer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.attention = BertAttention(cfg)
        self.intermediate = BertIntermediate(cfg)
        self.output = BertOutput(cfg)

    def self_attention(self):
        return self.attention.self

    def forward(self, x, mask):
        a = self.attention(x, mask)
        return self.output(self.intermediate(a), a)


class BertEncoder(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.layer = nn.ModuleList([BertLayer(cfg) for _ in range(cfg["num_hidden_layers"])])


class BertPooler(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.dense = nn.Linear(cfg["hidden_size"], cfg["hidden_size"])

    def forward(self, h):  # (B, T, d) -> (B, d): position 0 ([CLS])
        return torch.tanh(self.dense(h[:, 0]))


class BertModel(nn.Module):
    def __init__(self, cfg, pooler=True, padding_idx=None):
        super().__init__()
        self.embeddings = BertEmbeddings(cfg, padding_idx)
        self.encoder = BertEncoder(cfg)
        self.pooler = BertPooler(cfg) if pooler else None

    def layers(self):
        return self.encoder.layer

    def embed(self, input_ids, token_type_ids):
        return self.embeddings(input_ids, token_type_ids)


class BertForSequenceClassification(nn.Module):
    model_type = "bert"

    def __init__(self, cfg):
        super().__init__()
        self.bert = BertModel(cfg)
        self.dropout = nn.Dropout(cfg.get("hidden_dropout_prob", 0.1))
        self.classifier = nn.Linear(cfg["hidden_size"], num_labels(cfg))

    def body(self):
        return self.bert

    def head(self, h):  # (B, T, d) -> (B, C)
        return self.classifier(self.dropout(self.bert.pooler(h)))


# ---------------------------------------------------------------- RoBERTa

class RobertaClassificationHead(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.dense = nn.Linear(cfg["hidden_size"], cfg["hidden_size"])
        self.dropout = nn.Dropout(cfg.get("hidden_dropout_prob", 0.1))
        self.out_proj = nn.Linear(cfg["hidden_size"], num_labels(cfg))

    def forward(self, h):  # (B, T, d) -> (B, C): position 0 (<s>), no pooler
        x = torch.tanh(self.dense(self.dropout(h[:, 0])))
        return self.out_proj(self.dropout(x))


class RobertaForSequenceClassification(nn.Module):
    model_type = "roberta"

    def __init__(self, cfg):
        super().__init__()
        self.roberta = BertModel(cfg, pooler=False, padding_idx=cfg["pad_token_id"])
        self.classifier = RobertaClassificationHead(cfg)

    def body(self):
        return self.roberta

    def head(self, h):
        return self.classifier(h)


# ---------------------------------------------------------------- DistilBERT

class DistilEmbeddings(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        if cfg.get("sinusoidal_pos_embds", False):
            raise ValueError("sinusoidal_pos_embds true is not supported (learned positions only)")
        self.word_embeddings = nn.Embedding(cfg["vocab_size"], cfg["dim"])
        self.position_embeddings = nn.Embedding(cfg["max_position_embeddings"], cfg["dim"])
        self.LayerNorm = nn.LayerNorm(cfg["dim"], eps=1e-12)  # fixed in DistilBERT, not a config key

    def forward(self, input_ids):  # (B, T) -> (B, T, d)
        pos = torch.arange(input_ids.shape[1]).expand_as(input_ids)
        return self.LayerNorm(self.word_embeddings(input_ids) + self.position_embeddings(pos))


class MultiHeadSelfAttention(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d = cfg["dim"]
        self.heads = cfg["n_heads"]
        self.q_lin = nn.Linear(d, d)
        self.k_lin = nn.Linear(d, d)
        self.v_lin = nn.Linear(d, d)
        self.out_lin = nn.Linear(d, d)
        self.probs_hook = None
        self.last_probs = None

    def forward(self, x, mask):
        ctx, probs = scaled_dot_product(self.q_lin(x), self.k_lin(x), self.v_lin(x), mask, self.heads, self.probs_hook)
        self.last_probs = probs
        return self.out_lin(ctx)


class FFN(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.lin1 = nn.Linear(cfg["dim"], cfg["hidden_dim"])
        self.lin2 = nn.Linear(cfg["hidden_dim"], cfg["dim"])
        self.act = activation(cfg.get("activation", "gelu"))

    def forward(self, x):
        return self.lin2(self.act(self.lin1(x)))


class TransformerBlock(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.attention = MultiHeadSelfAttention(cfg)
        self.sa_layer_norm = nn.LayerNorm(cfg["dim"], eps=1e-12)
        self.ffn = FFN(cfg)
        self.output_layer_norm = nn.LayerNorm(cfg["dim"], eps=1e-12)

    def self_attention(self):
        return self.attention

    def forward(self, x, mask):
        a = self.sa_layer_norm(self.attention(x, mask) + x)
        return self.output_layer_norm(self.ffn(a) + a)


class Transformer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.layer = nn.ModuleList([TransformerBlock(cfg) for _ in range(cfg["n_layers"])])


class DistilBertModel(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.embeddings = DistilEmbeddings(cfg)
        self.transformer = Transformer(cfg)

    def layers(self):
        return self.transformer.layer

    def embed(self, input_ids, token_type_ids):
        return self.embeddings(input_ids)


class DistilBertForSequenceClassification(nn.Module):
    model_type = "distilbert"

    def __init__(self, cfg):
        super().__init__()
        self.distilbert = DistilBertModel(cfg)
        self.pre_classifier = nn.Linear(cfg["dim"], cfg["dim"])
        self.classifier = nn.Linear(cfg["dim"], num_labels(cfg))
        self.dropout = nn.Dropout(cfg.get("seq_classif_dropout", 0.2))

    def body(self):
        return self.distilbert

    def head(self, h):  # (B, T, d) -> (B, C): position 0 ([CLS]), ReLU pre-classifier
        return self.classifier(self.dropout(F.relu(self.pre_classifier(h[:, 0]))))


# ---------------------------------------------------------------- one forward for all three

def forward(model, input_ids, attention_mask, token_type_ids=None):
    """Returns {'logits' (B, C), 'hidden_states' [(B, T, d)] * (L + 1), 'attentions' [(B, H, T, T)] * L}."""
    if token_type_ids is None:
        token_type_ids = torch.zeros_like(input_ids)
    mask = attention_mask.bool()
    body = model.body()
    h = body.embed(input_ids, token_type_ids)
    hidden, attentions = [h], []
    for layer in body.layers():
        h = layer(h, mask)
        hidden.append(h)
        attentions.append(layer.self_attention().last_probs)
    return {"logits": model.head(h), "hidden_states": hidden, "attentions": attentions}


def last_attention(model):
    return model.body().layers()[-1].self_attention()


def set_last_row(model, row_fn):
    """Replace the last layer's query-0 row: row_fn((B, H, T) probs row) -> (B, H, T). None removes the hook."""
    att = last_attention(model)
    if row_fn is None:
        att.probs_hook = None
        return

    def hook(probs):  # (B, H, T, T)
        return torch.cat([row_fn(probs[:, :, 0, :]).unsqueeze(2), probs[:, :, 1:, :]], dim=2)

    att.probs_hook = hook


# ---------------------------------------------------------------- config and folders

ARCHITECTURES = {
    "BertForSequenceClassification": BertForSequenceClassification,
    "DistilBertForSequenceClassification": DistilBertForSequenceClassification,
    "RobertaForSequenceClassification": RobertaForSequenceClassification,
}


def num_labels(cfg):
    if "id2label" in cfg:
        return len(cfg["id2label"])
    return cfg.get("num_labels", 2)


def from_config(cfg):
    archs = cfg.get("architectures") or []
    for a in archs:
        if a in ARCHITECTURES:
            return ARCHITECTURES[a](cfg)
    raise ValueError(f"config.json: architectures {archs} has none of {sorted(ARCHITECTURES)}")


def load_folder(folder):
    """A Hugging Face folder (config.json + model.safetensors) -> model in eval mode, strict by name."""
    from safetensors_io import load_safetensors
    with open(os.path.join(folder, "config.json")) as f:
        cfg = json.load(f)
    model = from_config(cfg)
    state = load_safetensors(os.path.join(folder, "model.safetensors"))
    model.load_state_dict(state, strict=True)
    return model.eval()
