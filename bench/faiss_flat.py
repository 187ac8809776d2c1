#!/usr/bin/python3
"""FAISS exact inner-product search (IndexFlatIP) at one shape: bench/run's peer yardstick.

Optional: needs Debian's python3-faiss, python3-numpy and libopenblas0-pthread (without an
optimised BLAS, numpy and FAISS fall back to the reference one and are no yardstick). The bench
runs it only when `import faiss` works under /usr/bin/python3.

    faiss_flat.py --q 1024 --n 100000 --d 128 --k 10 [--runs 5]     random data
    faiss_flat.py --db db.npy --queries q.npy --k 10 [--out ids.npy]  float32 .npy files

Prints one line whose "median X ms" the bench reads: the median search time after one warm-up.
"""
import argparse
import time

import faiss
import numpy as np

parser = argparse.ArgumentParser()
parser.add_argument("--q", type=int, default=1024)
parser.add_argument("--n", type=int, default=100_000)
parser.add_argument("--d", type=int, default=128)
parser.add_argument("--k", type=int, default=10)
parser.add_argument("--db")
parser.add_argument("--queries")
parser.add_argument("--out")
parser.add_argument("--runs", type=int, default=5)
parser.add_argument("--threads", type=int, default=2)
args = parser.parse_args()

if args.db:
    db = np.ascontiguousarray(np.load(args.db), dtype=np.float32)
    queries = np.ascontiguousarray(np.load(args.queries), dtype=np.float32)
else:
    rng = np.random.default_rng(1)
    db = rng.standard_normal((args.n, args.d), dtype=np.float32)
    queries = rng.standard_normal((args.q, args.d), dtype=np.float32)
faiss.omp_set_num_threads(args.threads)
index = faiss.IndexFlatIP(db.shape[1])
index.add(db)
index.search(queries, args.k)  # warm-up
ms = []
for _ in range(args.runs):
    start = time.perf_counter()
    _, ids = index.search(queries, args.k)
    ms.append(1e3 * (time.perf_counter() - start))
ms.sort()
print(f"faiss IndexFlatIP Q={queries.shape[0]} N={db.shape[0]} D={db.shape[1]} k={args.k}: "
      f"median {ms[len(ms) // 2]:.1f} ms (min {ms[0]:.1f}, max {ms[-1]:.1f})")
if args.out:
    np.save(args.out, ids.astype(np.int32))
