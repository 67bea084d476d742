"""Checkpoints that survive a crash at any moment: written atomically, the old ones removed only
once their successors are on disk, a resumed training finishing what the stopped one left."""
import errno
import fnmatch
import os
import os.path as osp
import shutil
from contextlib import contextmanager
from typing import Dict, Iterator, List, Optional

from mmengine.dist import is_main_process
from mmengine.fileio import LocalBackend, register_backend
from mmengine.hooks import CheckpointHook
from mmengine.model import is_model_wrapper

from wingpose.registry import HOOKS
from wingpose.utils import WriteError, atomic_write, format_bytes
from ..work_dir import checkpoint_step, resumable_checkpoint

# the runtime info (saved in every checkpoint) that holds the step whose validation completed
# last (a key starting with 'val' would be printed in the validation log line)
VALIDATED_STEP = 'last_validated_step'


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
    """MMEngine's ``CheckpointHook`` with every checkpoint kept whole through a crash, and a
    resumed training ending as the uninterrupted one.

    MMEngine writes checkpoints and ``last_checkpoint`` in place (a process killed while it
    writes leaves a truncated file that ``--resume`` cannot read), removes the previous best
    checkpoint before it writes the new one and the oldest of ``max_keep_ckpts`` before it
    writes the newest. Here:

    * checkpoints go through :class:`AtomicLocalBackend` (local ``out_dir`` only, the default
      ``backend_args``), ``last_checkpoint`` is written atomically after its checkpoint;
    * the files to remove are removed once the files that replace them, and the checkpoint
      naming the new best, are on disk, and the log says so after the removal; a best
      checkpoint left behind by a training stopped in between is removed on resume;
    * a checkpoint records whether its step's validation completed (the checkpoint written
      before the validation is written again after it); a training resumed from one whose
      validation did not complete validates it first, so the best checkpoint and the log are
      the uninterrupted run's;
    * the work dir moves: ``last_checkpoint`` names its checkpoint relative to the work dir,
      best checkpoints recorded elsewhere (a copied work dir) are read in this one, and no
      file outside ``out_dir`` is ever removed. MMEngine's own ``--resume`` (MMPose's
      ``tools/train.py``) reads ``last_checkpoint`` through
      :func:`~wingpose.engine.resumable_checkpoint`;
    * before training, ``out_dir`` must have room for ``free_checkpoints`` checkpoints
      (weights and two optimizer moments each).

    Otherwise as ``CheckpointHook``.
    """

    def __init__(self, *args, backend_args: Optional[dict] = None, free_checkpoints: int = 3,
                 **kwargs) -> None:
        super().__init__(*args, backend_args=backend_args or dict(backend='atomic_local'),
                         **kwargs)
        self.free_checkpoints = free_checkpoints
        self._saved_step: Optional[int] = None  # the step of the latest checkpoint written
        self._saves = 0

    def before_run(self, runner) -> None:
        # MMEngine's auto-resume reads last_checkpoint as a path relative to the current
        # directory and trusts it; Runner has no public setter for the checkpoint to resume
        if runner._resume and runner._load_from is None:
            path, passed_over = resumable_checkpoint(runner.work_dir)
            for note in passed_over:
                runner.logger.warning(f'--resume: passed over: {note}')
            runner.logger.info(f'--resume: resuming from {path}' if path else
                               f'--resume: no checkpoint to resume from in {runner.work_dir}')
            runner._load_from, runner._resume = path, path is not None

    def before_train(self, runner) -> None:
        super().before_train(runner)
        self._check_free_space(runner)
        step = self._step(runner)
        if step == 0:
            runner.message_hub.update_info(VALIDATED_STEP, 0)
            return
        self._saved_step = step
        self._read_best_paths_here(runner)
        if self._validation_pending(runner, step):
            runner.logger.info(f'Validating {"epoch" if self.by_epoch else "iteration"} {step}'
                               ': the training that saved its checkpoint stopped before '
                               'its validation ended')
            runner.val_loop.run()
        self._remove_orphaned_bests(runner, step)

    def after_val_epoch(self, runner, metrics: dict) -> None:
        step = self._step(runner)
        runner.message_hub.update_info(VALIDATED_STEP, step)
        if self.save_best and 'auto' in self.key_indicators and metrics:
            self._init_rule(self.rules, [next(iter(metrics))])  # as MMEngine does on the way
        previous = self._best_paths()
        # MMEngine removes the previous best before it writes the new one: it finds none
        self._set_best_paths({key: None for key in previous})
        saves = self._saves
        super().after_val_epoch(runner, metrics)
        current = {key: self._best_paths()[key] or path for key, path in previous.items()}
        self._set_best_paths(current)
        if self._saves == saves and self._saved_step == step:
            # the checkpoint of this step again, saying that its validation completed
            self._save_checkpoint_with_step(
                runner, step, dict(epoch=runner.epoch, iter=runner.iter))
        for key, path in previous.items():
            if path and path != current[key]:
                self._remove_best(runner, path)

    def _step(self, runner) -> int:
        return runner.epoch if self.by_epoch else runner.iter

    def _best_paths(self) -> Dict[str, Optional[str]]:
        if not self.save_best:
            return {}
        if len(self.key_indicators) == 1:
            return {self.key_indicators[0]: self.best_ckpt_path}
        return dict(self.best_ckpt_path_dict)

    def _set_best_paths(self, paths: Dict[str, Optional[str]]) -> None:
        if len(self.key_indicators) == 1:
            self.best_ckpt_path = paths[self.key_indicators[0]]
        else:
            self.best_ckpt_path_dict.update(paths)

    def _best_info_key(self, key: str) -> str:
        return 'best_ckpt' if len(self.key_indicators) == 1 else f'best_ckpt_{key}'

    def _inside_out_dir(self, path: str) -> bool:
        return osp.dirname(osp.abspath(path)) == osp.abspath(self.out_dir)

    def _read_best_paths_here(self, runner) -> None:
        """Best checkpoints recorded in another directory (the work dir was copied or moved)
        are the same-named files of ``out_dir``."""
        if not self.save_best:
            return
        paths = self._best_paths()
        for key, path in paths.items():
            if path and not self._inside_out_dir(path):
                paths[key] = osp.join(self.out_dir, osp.basename(path))
                runner.message_hub.update_info(self._best_info_key(key), paths[key])
                runner.logger.info(f'The best checkpoint recorded as {path} is read as '
                                   f'{paths[key]}')
        self._set_best_paths(paths)

    def _validation_pending(self, runner, step: int) -> bool:
        """Whether the training loop validates after ``step`` and that validation has not
        completed (the checkpoint was written before it)."""
        loop, val_loop = runner.train_loop, runner.val_loop
        if val_loop is None or runner.message_hub.get_info(VALIDATED_STEP, 0) == step:
            return False
        last = getattr(loop, 'max_epochs' if self.by_epoch else 'max_iters', None)
        if last is None or not hasattr(loop, 'val_interval'):
            return False
        return step >= loop.val_begin and (step % loop.val_interval == 0 or step == last)

    def _remove_best(self, runner, path: str, why: str = '') -> None:
        if not is_main_process() or not self._inside_out_dir(path) or not osp.isfile(path):
            return
        self.file_backend.remove(path)
        runner.logger.info(f'The previous best checkpoint {path} is removed{why}')

    def _remove_orphaned_bests(self, runner, step: int) -> None:
        """Remove best checkpoints of steps up to ``step`` that are not the recorded best: a
        training stopped after the new best was on disk and before it removed the old."""
        if not self.save_best or not is_main_process():
            return
        for key, best in self._best_paths().items():
            prefix = f'best_{key}_'.replace('/', '_')
            pattern = prefix + self.filename_tmpl.format('*')
            for name in sorted(os.listdir(self.out_dir)):
                path = osp.join(self.out_dir, name)
                if fnmatch.fnmatch(name, pattern) and path != best and \
                        0 <= checkpoint_step(name[len(prefix):]) <= step:
                    self._remove_best(runner, path, ' (the training that superseded it '
                                      'stopped before removing it)')

    def _check_free_space(self, runner) -> None:
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        weights = sum(t.numel() * t.element_size() for t in model.state_dict().values())
        needed = self.free_checkpoints * 3 * weights
        free = shutil.disk_usage(self.out_dir).free
        if free < needed:
            raise WriteError(
                errno.ENOSPC, f'{self.out_dir} has {format_bytes(free)} free, and training '
                f'needs about {format_bytes(needed)} for {self.free_checkpoints} checkpoints of '
                f'{format_bytes(3 * weights)} (weights and optimizer state): free some space '
                'or give another --work-dir')

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
                by_epoch=self.by_epoch, backend_args=self.backend_args)
            self._saves, self._saved_step = self._saves + 1, step
            if is_main_process():
                # relative to the work dir, so that the work dir can be copied or moved
                named = osp.relpath(self.last_ckpt, runner.work_dir)
                if named.startswith(os.pardir):
                    named = osp.abspath(self.last_ckpt)
                with atomic_write(osp.join(runner.work_dir, 'last_checkpoint'), 'w') as f:
                    f.write(named)
