# Sourced by the device scripts: names the GPU, finds JAX's CUDA PJRT plugin ($PLUGIN) and the
# CUDA libraries and ptxas its pip packages ship, where the plugin's dlopen and XLA look for them.
echo "== machine"; nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader; uname -r
SITE=$(python3 -c 'import site; print(site.getsitepackages()[0])')
PLUGIN=$(ls "$SITE"/jax_plugins/xla_cuda*/*.so 2>/dev/null | head -1)
[ -z "$PLUGIN" ] && PLUGIN=$(find / -xdev -name 'xla_cuda_plugin.so' 2>/dev/null | head -1)
echo "plugin: $PLUGIN"; python3 -m pip list 2>/dev/null | grep -i -E '^(jax|jaxlib|jax-cuda)' 
# the CUDA libraries of JAX's pip packages, where the plugin's dlopen looks for them
export LD_LIBRARY_PATH="$(find "$SITE/nvidia" -maxdepth 3 -type d -name lib 2>/dev/null | tr '\n' ':')${LD_LIBRARY_PATH:-}"
PTXAS=$(command -v ptxas || ls "$SITE"/nvidia/*/bin/ptxas 2>/dev/null | head -1)
[ -n "$PTXAS" ] && export XLA_FLAGS="--xla_gpu_cuda_data_dir=$(dirname "$(dirname "$PTXAS")")"
echo "ptxas: ${PTXAS:-none}; XLA_FLAGS=${XLA_FLAGS:-}"
