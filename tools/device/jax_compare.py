"""JAX's approx_max_k on the data PjrtCheck searched: its lowering, its answer, its time."""
import json, sys, time
import numpy as np
import jax, jax.numpy as jnp

src, out = sys.argv[1], sys.argv[2]
qy, db = np.load(f"{src}/qy.npy"), np.load(f"{src}/db.npy")
ann_i, ann_v = np.load(f"{src}/pjrt_indices.npy"), np.load(f"{src}/pjrt_values.npy")
exact = np.load(f"{src}/exact_indices.npy")
k = ann_i.shape[1]
print("jax", jax.__version__, jax.devices())

f = jax.jit(lambda q, x: jax.lax.approx_max_k(jnp.dot(q, x.T), k, recall_target=0.95))
open(f"{out}/jax_mips.mlir", "w").write(f.lower(qy, db).as_text())
q, x = jax.device_put(qy), jax.device_put(db)
v, i = f(q, x); v.block_until_ready()
ms = []
for _ in range(10):
    t = time.perf_counter(); v, i = f(q, x); v.block_until_ready(); ms.append((time.perf_counter() - t) * 1e3)
v, i = np.asarray(v), np.asarray(i)
recall = np.mean([len(set(a) & set(b)) / k for a, b in zip(i, exact)])
agree = np.mean([len(set(a) & set(b)) / k for a, b in zip(i, ann_i)])
print(json.dumps({"jax_ms": float(np.median(ms)), "jax_recall": float(recall),
                  "indices_equal_to_ann4j": float((i == ann_i).mean()), "share_of_ann4j_results": float(agree),
                  "max_value_diff": float(np.abs(v - ann_v).max())}))
