"""JAX's approx_max_k at recall targets 0.9, 0.95 and 0.99 on the data a PjrtCheck run wrote:
median time of the jitted call with the inputs already on the device, and recall against the
exact answer that run wrote. Appends one JSON line per target to the given file."""
import json, sys, time
import numpy as np
import jax, jax.numpy as jnp

src, jsonl = sys.argv[1], sys.argv[2]
qy, db = np.load(f"{src}/qy.npy"), np.load(f"{src}/db.npy")
exact = np.load(f"{src}/exact_indices.npy")
k = exact.shape[1]
print("jax", jax.__version__, jax.devices())
q, x = jax.device_put(qy), jax.device_put(db)
for target in (0.9, 0.95, 0.99):
    f = jax.jit(lambda a, b, t=target: jax.lax.approx_max_k(jnp.dot(a, b.T), k, recall_target=t))
    v, i = f(q, x); v.block_until_ready()
    ms = []
    for _ in range(10):
        t0 = time.perf_counter(); v, i = f(q, x); v.block_until_ready(); ms.append((time.perf_counter() - t0) * 1e3)
    i = np.asarray(i)
    recall = float(np.mean([len(set(a) & set(b)) / k for a, b in zip(i, exact)]))
    row = {"who": "jax", "lowering": "jax", "n": int(db.shape[0]), "q": int(qy.shape[0]), "k": int(k),
           "recall_target": target, "execute_ms": float(np.median(ms)), "recall": recall,
           "device": str(jax.devices()[0])}
    print(json.dumps(row))
    with open(jsonl, "a") as out:
        out.write(json.dumps(row) + "\n")
