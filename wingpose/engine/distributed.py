"""Multi-process training and testing on CPU with PyTorch's gloo backend.

MMEngine 0.10.7's ``init_dist('pytorch')`` and ``init_dist('slurm')`` call
``torch.cuda.set_device`` unconditionally and wrap models in DDP with
``device_ids=[LOCAL_RANK]``; both fail on a CPU-only torch.
"""
import os
import subprocess

import torch
import torch.distributed as torch_dist
from mmengine.config import Config


# the variable that holds a process's global rank before the process group exists
RANK_VARIABLES = {'pytorch': 'RANK', 'slurm': 'SLURM_PROCID', 'mpi': 'OMPI_COMM_WORLD_RANK'}


def launcher_rank(launcher: str) -> int:
    """This process's global rank under ``launcher`` ('none', 'pytorch', 'slurm', 'mpi'), read
    from the launcher's environment (0 without one)."""
    return int(os.environ.get(RANK_VARIABLES.get(launcher, ''), '0'))


def slurm_to_torchrun_environment() -> None:
    """Set torchrun's variables from slurm's, as MMEngine's slurm initialisation does.

    ``RANK``, ``WORLD_SIZE`` and ``LOCAL_RANK`` from ``SLURM_PROCID``, ``SLURM_NTASKS`` and
    ``SLURM_LOCALID``; ``MASTER_ADDR`` (unless set) is the first host of ``SLURM_NODELIST``
    (``scontrol show hostname``), ``MASTER_PORT`` (unless set) 29500.
    """
    missing = [v for v in ('SLURM_PROCID', 'SLURM_NTASKS', 'SLURM_NODELIST')
               if v not in os.environ]
    if missing:
        raise RuntimeError(f'--launcher slurm needs the slurm variables {missing}: start the '
                           'job with srun (tools/slurm_train.sh, tools/slurm_test.sh)')
    if 'MASTER_ADDR' not in os.environ:
        os.environ['MASTER_ADDR'] = subprocess.getoutput(
            f'scontrol show hostname {os.environ["SLURM_NODELIST"]} | head -n1')
    os.environ.setdefault('MASTER_PORT', '29500')
    os.environ['WORLD_SIZE'] = os.environ['SLURM_NTASKS']
    os.environ['RANK'] = os.environ['SLURM_PROCID']
    os.environ['LOCAL_RANK'] = os.environ.get('SLURM_LOCALID', '0')


def prepare_cpu_distributed(cfg: Config) -> None:
    """Make ``cfg`` run under ``torchrun ... --launcher pytorch`` or ``srun ... --launcher
    slurm`` on CPU.

    When CUDA is unavailable and the launcher is not ``'none'``: initialise the default
    process group with gloo from torchrun's environment (``RANK``, ``WORLD_SIZE``,
    ``MASTER_ADDR``, ``MASTER_PORT``; derived from slurm's first with the slurm launcher), so
    MMEngine skips its CUDA-only initialisation, and let DDP wrap the CPU model without
    ``device_ids``. Does nothing otherwise.
    """
    launcher = cfg.get('launcher', 'none')
    if launcher == 'none' or torch.cuda.is_available():
        return
    if launcher == 'slurm':
        slurm_to_torchrun_environment()
    elif launcher != 'pytorch':
        raise ValueError(f'--launcher {launcher} is not supported on CPU: use pytorch '
                         '(torchrun) or slurm')
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
