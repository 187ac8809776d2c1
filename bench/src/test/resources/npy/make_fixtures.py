#!/usr/bin/env python3
"""Makes the .npy fixtures of NpyTest with NumPy (Debian's python3-numpy; run with /usr/bin/python3).
Values are i * 0.5 - 3 over the flat C-order index, so the test can recompute them."""
import numpy as np

a = (np.arange(5 * 3, dtype=np.float32) * 0.5 - 3).reshape(5, 3)
np.save("c_order_f32.npy", a)
np.save("fortran_order_f32.npy", np.asfortranarray(a))
np.save("f64.npy", a.astype(np.float64))
np.save("vector_f32.npy", a.ravel())
with open("c_order_f32.npy", "rb") as f:
    data = f.read()
with open("truncated_f32.npy", "wb") as f:
    f.write(data[:-7])
