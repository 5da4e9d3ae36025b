# The gensim side of npm run bench:data: trains gensim 4.2's Word2Vec (Debian python3-gensim, the library
# the paper's authors used) on the same sentences with the same settings as attnlab, times only train(),
# (wall and CPU time of the process), and writes the vectors in attnlab's vocabulary order (float32, row-major) for the quality checks.
# usage: data_gensim.py corpus.txt vocab.txt out.f32 dim window negative sample epochs threads sg seed
import json
import sys
import time

import numpy as np
from gensim.models import Word2Vec

corpus, vocab_path, out, dim, window, negative, sample, epochs, threads, sg, seed = sys.argv[1:]
sentences = [line.split() for line in open(corpus, encoding='utf-8')]
model = Word2Vec(vector_size=int(dim), window=int(window), negative=int(negative), hs=0, sample=float(sample),
                 min_count=1, workers=int(threads), sg=int(sg), seed=int(seed), alpha=0.025, min_alpha=0.0001)
model.build_vocab(sentences)
words = sum(len(s) for s in sentences) * int(epochs)
t0 = time.perf_counter()
c0 = time.process_time()
model.train(sentences, total_examples=len(sentences), epochs=int(epochs))
seconds = time.perf_counter() - t0
cpu_seconds = time.process_time() - c0
vocab = [line.rstrip('\n') for line in open(vocab_path, encoding='utf-8')]
vectors = np.zeros((len(vocab), int(dim)), dtype=np.float32)
for i, w in enumerate(vocab):
    if w in model.wv.key_to_index:
        vectors[i] = model.wv[w]
vectors.tofile(out)
print(json.dumps({'words': words, 'seconds': seconds, 'cpuSeconds': cpu_seconds}))
