"""Checkpoints that survive a crash at any moment: written atomically, the old ones removed only
once their successors are on disk."""
import os.path as osp
from contextlib import contextmanager
from typing import Iterator, List, Optional

from mmengine.dist import is_main_process
from mmengine.fileio import LocalBackend, register_backend
from mmengine.hooks import CheckpointHook

from wingpose.registry import HOOKS
from wingpose.utils import atomic_write


@register_backend('atomic_local')
class AtomicLocalBackend(LocalBackend):
    """MMEngine's local file backend whose writes are atomic (:func:`atomic_write`): a file
    is the old one or the new one, never part of one."""

    def put(self, obj: bytes, filepath: str) -> None:
        with atomic_write(str(filepath)) as f:
            f.write(obj)

    def put_text(self, obj: str, filepath: str, encoding: str = 'utf-8') -> None:
        self.put(obj.encode(encoding), filepath)


class _DeferredRemovals:
    """A file backend whose ``remove`` and ``rmtree`` only note the path."""

    def __init__(self, backend, removed: List[str]):
        self._backend, self._removed = backend, removed

    def remove(self, path: str) -> None:
        self._removed.append(path)

    rmtree = remove

    def __getattr__(self, name: str):
        return getattr(self._backend, name)


@HOOKS.register_module()
class SafeCheckpointHook(CheckpointHook):
    """MMEngine's ``CheckpointHook`` with every checkpoint kept whole through a crash.

    MMEngine writes checkpoints and ``last_checkpoint`` in place (a process killed while it
    writes leaves a truncated file that ``--resume`` cannot read), removes the previous best
    checkpoint before it writes the new one and the oldest of ``max_keep_ckpts`` before it
    writes the newest. Here checkpoints go through :class:`AtomicLocalBackend` (local
    ``out_dir`` only, the default ``backend_args``), ``last_checkpoint`` is written atomically
    after its checkpoint, and the files to remove are removed once the files that replace
    them, and the checkpoint naming the new best, are on disk. Otherwise as ``CheckpointHook``.
    """

    def __init__(self, *args, backend_args: Optional[dict] = None, **kwargs) -> None:
        super().__init__(*args, backend_args=backend_args or dict(backend='atomic_local'),
                         **kwargs)

    @contextmanager
    def _removals_deferred(self) -> Iterator[None]:
        backend, removed = self.file_backend, []
        self.file_backend = _DeferredRemovals(backend, removed)
        try:
            yield
        finally:
            self.file_backend = backend
        for path in removed:
            if backend.isfile(path):
                backend.remove(path)
            elif backend.isdir(path):
                backend.rmtree(path)

    def _save_checkpoint_with_step(self, runner, step: int, meta: dict) -> None:
        with self._removals_deferred():
            filename = self.filename_tmpl.format(step)
            # MMEngine's bookkeeping of max_keep_ckpts (removals deferred)
            if self.max_keep_ckpts > 0 and not (self.keep_ckpt_ids
                                                and self.keep_ckpt_ids[-1] == step):
                if len(self.keep_ckpt_ids) == self.max_keep_ckpts:
                    oldest = self.keep_ckpt_ids.popleft()
                    if is_main_process():
                        self.file_backend.remove(self.file_backend.join_path(
                            self.out_dir, self.filename_tmpl.format(oldest)))
                self.keep_ckpt_ids.append(step)
                runner.message_hub.update_info('keep_ckpt_ids', list(self.keep_ckpt_ids))
            self.last_ckpt = self.file_backend.join_path(self.out_dir, filename)
            runner.message_hub.update_info('last_ckpt', self.last_ckpt)
            runner.save_checkpoint(
                self.out_dir, filename, self.file_client_args,
                save_optimizer=self.save_optimizer,
                save_param_scheduler=self.save_param_scheduler, meta=meta,
                by_epoch=self.by_epoch, backend_args=self.backend_args, **self.args)
            if is_main_process():
                with atomic_write(osp.join(runner.work_dir, 'last_checkpoint'), 'w') as f:
                    f.write(self.last_ckpt)

    def _save_best_checkpoint(self, runner, metrics: dict) -> None:
        # MMEngine saves the new best, then the latest checkpoint again (naming the new best):
        # the old best goes once both are written
        with self._removals_deferred():
            super()._save_best_checkpoint(runner, metrics)
