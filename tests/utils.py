"""Helpers for tests that run the command-line tools."""
import os
import os.path as osp
import subprocess
import sys

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))


def load_tool(path: str):
    """The tools/ script at ``path`` (relative to the repository) as a module."""
    import importlib.util
    name = osp.splitext(osp.basename(path))[0]
    spec = importlib.util.spec_from_file_location(name, osp.join(ROOT, path))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def tiny_options(data_root: str, config: str, epochs: int = 1) -> list:
    """--cfg-options that make a synthface ``config`` train in seconds on ``data_root``."""
    from mmengine.config import Config

    from wingpose.datasets import data_root_options
    return [
        '--cfg-options', *data_root_options(Config.fromfile(osp.join(ROOT, config)), data_root),
        'train_dataloader.batch_size=8',
        f'train_cfg.max_epochs={epochs}', f'train_cfg.val_interval={epochs}',
        'train_dataloader.num_workers=0', 'train_dataloader.persistent_workers=False',
        'val_dataloader.num_workers=0', 'val_dataloader.persistent_workers=False',
        'test_dataloader.num_workers=0', 'test_dataloader.persistent_workers=False',
        'default_hooks.checkpoint.interval=1', 'default_hooks.logger.interval=1'
    ]


def run_tool(*args: str, check: bool = True, launcher: list = None,
             timeout: float = 600) -> subprocess.CompletedProcess:
    """Run a tools/ script (or ``launcher`` + script) from the repository root."""
    command = (launcher or [sys.executable]) + list(args)
    env = dict(os.environ, PYTHONWARNINGS='ignore', OMP_NUM_THREADS='1')
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=env,
                            timeout=timeout)
    if check and result.returncode != 0:
        raise AssertionError(f'{command} exited {result.returncode}:\n'
                             f'{result.stdout[-4000:]}\n{result.stderr[-12000:]}')
    return result
