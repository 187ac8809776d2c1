"""JAX's own lowering of the half-precision MIPS programs (issue 9): approx_max_k(dot(qy, db.T))
with qy and db in f32, bf16 or f16, for ann4j's conformance fixtures
(runtime-tpu/src/test/resources/stablehlo/jax/). Needs only JAX: the programs are lowered from
shapes, nothing runs. Usage: python3 tools/device/jax_half_lowering.py OUT_DIR"""
import sys
import jax, jax.numpy as jnp

out = sys.argv[1]
q, n, d, k = 200, 3000, 128, 10
print("jax", jax.__version__, jax.devices())
f = jax.jit(lambda qy, db: jax.lax.approx_max_k(jnp.dot(qy, db.T), k, recall_target=0.95))
for qt, dt in [("f32", "bf16"), ("bf16", "bf16"), ("f32", "f16"), ("f16", "f16")]:
    types = {"f32": jnp.float32, "bf16": jnp.bfloat16, "f16": jnp.float16}
    text = f.lower(jax.ShapeDtypeStruct((q, d), types[qt]), jax.ShapeDtypeStruct((n, d), types[dt])).as_text()
    name = f"{out}/jax-{jax.__version__}-{jax.default_backend()}-mips-{qt}-{dt}-{q}x{n}x{d}-k{k}.mlir"
    open(name, "w").write(text)
    print("wrote", name)
