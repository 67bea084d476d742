"""Multi-process training and testing on CPU with PyTorch's gloo backend.

MMEngine 0.10.7's ``init_dist('pytorch')`` calls ``torch.cuda.set_device`` unconditionally and
wraps models in DDP with ``device_ids=[LOCAL_RANK]``; both fail on a CPU-only torch.
"""
import os

import torch
import torch.distributed as torch_dist
from mmengine.config import Config


def prepare_cpu_distributed(cfg: Config) -> None:
    """Make ``cfg`` run under ``torchrun ... --launcher pytorch`` on CPU.

    When CUDA is unavailable and the launcher is not ``'none'``: initialise the default
    process group with gloo from torchrun's environment (``RANK``, ``WORLD_SIZE``,
    ``MASTER_ADDR``, ``MASTER_PORT``), so MMEngine skips its CUDA-only initialisation, and
    let DDP wrap the CPU model without ``device_ids``. Does nothing otherwise.
    """
    if cfg.get('launcher', 'none') == 'none' or torch.cuda.is_available():
        return
    if not torch_dist.is_initialized():
        torch_dist.init_process_group(
            backend='gloo', rank=int(os.environ['RANK']),
            world_size=int(os.environ['WORLD_SIZE']))
    env_cfg = cfg.setdefault('env_cfg', {})
    env_cfg.setdefault('dist_cfg', {})['backend'] = 'gloo'
    wrapper = cfg.get('model_wrapper_cfg') or dict(type='MMDistributedDataParallel')
    wrapper['device_ids'] = None
    cfg.model_wrapper_cfg = wrapper


def finish_distributed() -> None:
    """Wait for every rank, then destroy the default process group (when there is one).

    MMEngine leaves the group to interpreter exit, where gloo's teardown can abort a rank that
    is still closing its connections after the others have gone.
    """
    if torch_dist.is_available() and torch_dist.is_initialized():
        torch_dist.barrier()
        torch_dist.destroy_process_group()
