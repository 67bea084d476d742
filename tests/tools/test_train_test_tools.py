"""tools/train.py -> checkpoint -> tools/test.py, --resume, load_from, torchrun on CPU."""
import glob
import json
import os.path as osp
import re
import shutil
import sys

import numpy as np
import pytest
import torch

from ..utils import run_tool, tiny_options

CONFIG = 'configs/synthface/cnn6_wing_synthface.py'


@pytest.fixture(scope='module')
def trained(synthface, tmp_path_factory):
    """One epoch of CNN6 on the tiny benchmark; returns (work_dir, checkpoint)."""
    work_dir = str(tmp_path_factory.mktemp('train'))
    run_tool('tools/train.py', CONFIG, '--work-dir', work_dir, *tiny_options(synthface, CONFIG))
    checkpoint = osp.join(work_dir, 'epoch_1.pth')
    assert osp.isfile(checkpoint)
    return work_dir, checkpoint


def test_checkpoint_holds_numpy_and_loads_with_weights_only(trained):
    import wingpose  # noqa: F401  (the allow-list)
    checkpoint = torch.load(trained[1], map_location='cpu', weights_only=True)
    assert 'state_dict' in checkpoint
    # dataset_meta holds numpy arrays: the reason torch >= 2.6 refuses MMEngine checkpoints
    assert any(isinstance(v, np.ndarray) for v in checkpoint['meta']['dataset_meta'].values())


def test_test_tool_prints_table_and_saves_json(trained, synthface, tmp_path):
    out = tmp_path / 'table.json'
    result = run_tool('tools/test.py', CONFIG, trained[1], '--work-dir', str(tmp_path),
                      '--out', str(out), *tiny_options(synthface, CONFIG))
    assert '| subset | NME inter_ocular | FR@0.08 inter_ocular |' in result.stdout
    saved = json.loads(out.read_text())
    assert saved['checkpoint'] == trained[1]
    assert np.isfinite(saved['metrics']['NME_inter_ocular'])
    assert saved['table'].splitlines()[2].startswith('| full |')
    assert list(tmp_path.glob('*/nme_per_image.csv')) and list(tmp_path.glob('*/ced_*.png'))


def test_resume_continues_from_the_checkpoint(trained, synthface, tmp_path):
    work_dir = str(tmp_path / 'resume')
    shutil.copytree(trained[0], work_dir)
    result = run_tool('tools/train.py', CONFIG, '--work-dir', work_dir, '--resume',
                      *tiny_options(synthface, CONFIG, epochs=2))
    log = result.stdout + result.stderr
    assert 'resumed epoch: 1' in log.lower() or 'Load checkpoint from' in log
    assert osp.isfile(osp.join(work_dir, 'epoch_2.pth'))
    assert not osp.isfile(osp.join(tmp_path, 'resume', 'epoch_3.pth'))
    assert 'Epoch(train) [1]' not in log  # started at epoch 2


def test_load_from_reads_the_checkpoint(trained, synthface, tmp_path):
    result = run_tool('tools/train.py', CONFIG, '--work-dir', str(tmp_path),
                      *tiny_options(synthface, CONFIG), f'load_from={trained[1]}')
    assert f'Load checkpoint from {trained[1]}' in result.stdout + result.stderr


def test_missing_and_corrupt_checkpoints_name_the_path(synthface, tmp_path):
    missing = str(tmp_path / 'nope.pth')
    result = run_tool('tools/test.py', CONFIG, missing, check=False)
    assert result.returncode != 0 and f'checkpoint not found: {missing}' in result.stderr
    corrupt = tmp_path / 'corrupt.pth'
    corrupt.write_bytes(b'not a checkpoint at all')
    result = run_tool('tools/test.py', CONFIG, str(corrupt), check=False)
    assert result.returncode != 0 and f'cannot load checkpoint {corrupt}' in result.stderr
    empty = tmp_path / 'empty.pth'
    empty.write_bytes(b'')
    result = run_tool('tools/test.py', CONFIG, str(empty), check=False)
    assert f'cannot load checkpoint {empty}: the file is empty (0 bytes)' in result.stderr


def test_test_tool_refuses_a_checkpoint_of_another_model(trained, synthface, tmp_path):
    """A CNN6 checkpoint on the CNN7 config: no table, the mismatched tensors named."""
    cnn7 = 'configs/synthface/cnn7_wing_synthface.py'
    out = tmp_path / 'table.json'
    result = run_tool('tools/test.py', cnn7, trained[1], '--work-dir', str(tmp_path),
                      '--out', str(out), *tiny_options(synthface, cnn7), check=False)
    assert result.returncode != 0
    assert f'error: checkpoint {trained[1]} does not fit the model' in result.stderr
    assert 'missing tensors: backbone.' in result.stderr
    assert 'tensors of another shape: ' in result.stderr
    assert 'Benchmark' not in result.stdout and not out.exists()


def test_checkpoint_with_other_types_is_still_refused(tmp_path):
    import wingpose  # noqa: F401
    from wingpose.engine import verify_checkpoint
    path = str(tmp_path / 'evil.pth')
    torch.save(dict(state_dict={}, meta=dict(thing=osp.join)), path)
    with pytest.raises(ValueError, match=rf'cannot load checkpoint {path}.*posixpath.join'):
        verify_checkpoint(path)
    # getattr is mapped to HistoryBuffer statistics only: a method of an allowed type is refused
    torch.save(dict(state_dict={}, writer=np.ndarray.tofile), path)
    with pytest.raises(ValueError, match=r"refusing getattr\(ndarray, 'tofile'\)"):
        verify_checkpoint(path)


def test_torchrun_two_processes_on_cpu(synthface, tmp_path, trained):
    launcher = [sys.executable, '-m', 'torch.distributed.run', '--nproc_per_node', '2',
                '--master_port', '29533']
    result = run_tool('tools/train.py', CONFIG, '--work-dir', str(tmp_path), '--launcher',
                      'pytorch', *tiny_options(synthface, CONFIG), launcher=launcher)
    log = result.stdout + result.stderr
    assert osp.isfile(osp.join(tmp_path, 'epoch_1.pth'))
    assert "'backend': 'gloo'" in log or 'gloo' in log
    # evaluation in 2 processes: each rank reports the gathered metric; both equal the
    # single-process figure on the same checkpoint
    result = run_tool('tools/test.py', CONFIG, trained[1], '--work-dir', str(tmp_path / 't2'),
                      '--launcher', 'pytorch', *tiny_options(synthface, CONFIG),
                      launcher=launcher[:-1] + ['29534'])
    # the two ranks share the pipe: their lines may run together, so match, do not split
    ranks = dict(re.findall(r'\[rank (\d)\] NME_inter_ocular=([0-9.]+)', result.stdout))
    values = {float(v) for v in ranks.values()}
    assert set(ranks) == {'0', '1'} and len(values) == 1
    single = run_tool('tools/test.py', CONFIG, trained[1], '--work-dir', str(tmp_path / 't1'),
                      *tiny_options(synthface, CONFIG))
    line = next(line for line in single.stdout.splitlines() if line.startswith('[rank 0]'))
    # the network sees batches of 12 instead of 24: CPU convolutions round differently
    assert float(line.split('NME_inter_ocular=')[1].split()[0]) == pytest.approx(
        values.pop(), rel=1e-6)


def test_resume_passes_over_a_truncated_checkpoint_and_says_when_there_is_none(
        trained, synthface, tmp_path):
    work_dir = tmp_path / 'resume'
    shutil.copytree(trained[0], work_dir)
    (work_dir / 'epoch_2.pth').write_bytes(b'')  # a write cut short
    (work_dir / 'last_checkpoint').write_text(str(work_dir / 'epoch_2.pth'))
    result = run_tool('tools/train.py', CONFIG, '--work-dir', str(work_dir), '--resume',
                      *tiny_options(synthface, CONFIG, epochs=2))
    assert f'cannot load checkpoint {work_dir / "epoch_2.pth"}: the file is empty' in \
        result.stdout
    assert f'--resume: resuming from {work_dir / "epoch_1.pth"}' in result.stdout
    assert 'Epoch(train) [1]' not in result.stdout + result.stderr
    fresh = tmp_path / 'fresh'
    result = run_tool('tools/train.py', CONFIG, '--work-dir', str(fresh), '--resume',
                      *tiny_options(synthface, CONFIG))
    assert f'--resume: no checkpoint to resume from in {fresh}: training starts from the ' \
        'beginning' in result.stdout
    empty = tmp_path / 'empty.pth'
    empty.write_bytes(b'')
    result = run_tool('tools/train.py', CONFIG, '--work-dir', str(fresh), '--resume',
                      str(empty), *tiny_options(synthface, CONFIG), check=False)
    assert result.returncode != 0
    assert f'error: --resume: cannot load checkpoint {empty}: the file is empty' in result.stderr


def test_a_busy_work_dir_is_refused_and_a_dead_holder_taken_over(synthface, tmp_path):
    import os

    from wingpose.engine import work_dir_lock
    work_dir = tmp_path / 'busy'
    with work_dir_lock(str(work_dir)):
        result = run_tool('tools/train.py', CONFIG, '--work-dir', str(work_dir),
                          *tiny_options(synthface, CONFIG), check=False)
    assert result.returncode != 0
    assert f'work dir {work_dir} is in use by another training (pid {os.getpid()} on ' in \
        result.stderr
    assert not list(work_dir.glob('*.pth'))
    # a killed holder leaves its pid in the lock file, but no lock
    (work_dir / '.train.lock').write_text('pid 999999 on elsewhere')
    messages = []
    with work_dir_lock(str(work_dir), log=messages.append):
        pass
    assert messages == [f'{work_dir}: taking over the lock of an earlier training (pid 999999 '
                        'on elsewhere) that is no longer running']


def test_dist_scripts_run_the_projects_torchrun_without_it_on_path():
    """tools/dist_*.sh find the project's Python (.venv) when PATH has no torchrun."""
    import os
    import subprocess

    from ..utils import ROOT
    if not osp.isfile(osp.join(ROOT, '.venv', 'bin', 'python')):
        pytest.skip('needs the project environment (.venv)')
    env = dict(PATH='/usr/bin:/bin', HOME=os.environ.get('HOME', '/tmp'), OMP_NUM_THREADS='1',
               PORT='29541')
    for script, args in (('dist_train.sh', [CONFIG, '1']),
                         ('dist_test.sh', [CONFIG, 'none.pth', '1'])):
        result = subprocess.run(['bash', osp.join('tools', script), *args, '--help'], cwd=ROOT,
                                env=env, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr[-3000:]
        assert 'usage:' in result.stdout


def _files(folder) -> dict:
    """{name: bytes} of the files in ``folder`` (its log folders left out)."""
    import os
    return {name: open(osp.join(folder, name), 'rb').read() for name in sorted(os.listdir(folder))
            if osp.isfile(osp.join(folder, name))}


def test_a_copied_work_dir_resumes_from_its_own_files(trained, synthface, tmp_path):
    """cp -r A B; --resume B: B's checkpoints, never A's; A unchanged. last_checkpoint is
    relative, so MMPose's own tools/train.py --resume reads B's too."""
    import mmpose
    original = _files(trained[0])
    assert original['last_checkpoint'] == b'epoch_1.pth'
    copy = tmp_path / 'copy'
    shutil.copytree(trained[0], copy)
    # a best recorded as the original's absolute path (as older checkpoints hold) is read here
    result = run_tool('tools/train.py', CONFIG, '--work-dir', str(copy), '--resume',
                      *tiny_options(synthface, CONFIG, epochs=2))
    assert f'--resume: resuming from {copy / "epoch_1.pth"}' in result.stdout
    assert (copy / 'last_checkpoint').read_text() == 'epoch_2.pth'
    assert _files(trained[0]) == original
    best = torch.load(copy / 'epoch_2.pth', map_location='cpu',
                      weights_only=False)['message_hub']['runtime_info']['best_ckpt']
    assert osp.dirname(best) == str(copy) and osp.isfile(best)
    mmpose_train = osp.join(osp.dirname(mmpose.__file__), '.mim', 'tools', 'train.py')
    moved = tmp_path / 'moved'
    shutil.move(str(copy), moved)
    result = run_tool(mmpose_train, CONFIG, '--work-dir', str(moved), '--resume',
                      *tiny_options(synthface, CONFIG, epochs=3))
    assert f'resuming from {moved / "epoch_2.pth"}' in result.stdout + result.stderr
    assert (moved / 'last_checkpoint').read_text() == 'epoch_3.pth'
    assert _files(trained[0]) == original


def test_load_from_another_model_is_refused_unless_partial_on_purpose(trained, synthface,
                                                                      tmp_path):
    cnn7 = 'configs/synthface/cnn7_wing_synthface.py'
    result = run_tool('tools/train.py', cnn7, '--work-dir', str(tmp_path / 'strict'),
                      *tiny_options(synthface, cnn7), f'load_from={trained[1]}', check=False)
    assert result.returncode != 0
    assert f'error: load_from {trained[1]}: the weights loaded do not fit the model ' \
        '(TopdownPoseEstimator): ' in result.stderr
    assert 'tensors of another shape: ' in result.stderr
    assert not list((tmp_path / 'strict').glob('*.pth'))
    result = run_tool('tools/train.py', cnn7, '--work-dir', str(tmp_path / 'partial'),
                      *tiny_options(synthface, cnn7), f'load_from={trained[1]}',
                      'model.strict_load=False')
    assert osp.isfile(tmp_path / 'partial' / 'epoch_1.pth')


def test_nan_weights_are_refused_naming_the_tensors(trained, synthface, tmp_path):
    checkpoint = torch.load(trained[1], map_location='cpu', weights_only=False)
    checkpoint['state_dict']['head.fc.bias'][3] = float('nan')
    nan = str(tmp_path / 'nan.pth')
    torch.save(checkpoint, nan)
    message = (f'checkpoint {nan} holds non-finite weights (NaN or Inf) in 1 tensors: '
               'head.fc.bias')
    out = tmp_path / 'table.json'
    result = run_tool('tools/test.py', CONFIG, nan, '--out', str(out), '--work-dir',
                      str(tmp_path), *tiny_options(synthface, CONFIG), check=False)
    assert result.returncode != 0 and message in result.stderr
    assert 'Benchmark' not in result.stdout and not out.exists()
    onnx = tmp_path / 'model.onnx'
    result = run_tool('tools/deployment/export_onnx.py', CONFIG, nan, '--out', str(onnx),
                      check=False)
    assert result.returncode != 0 and message in result.stderr and not onnx.exists()
    image = sorted(glob.glob(osp.join(synthface, '**', '*.jpg'), recursive=True))[0]
    result = run_tool('tools/demo.py', image, '--config', CONFIG, '--checkpoint', nan,
                      '--bbox', '0,0,128,128', '--out', str(tmp_path / 'drawn.png'), check=False)
    assert result.returncode != 0 and message in result.stderr
    # --resume from it says what it holds; without a path the work dir's earlier one is taken
    work_dir = tmp_path / 'work'
    shutil.copytree(trained[0], work_dir)
    result = run_tool('tools/train.py', CONFIG, '--work-dir', str(work_dir), '--resume', nan,
                      *tiny_options(synthface, CONFIG, epochs=2), check=False)
    assert result.returncode != 0 and f'error: --resume: {message}' in result.stderr


def test_the_work_dir_is_checked_before_training(synthface, tmp_path):
    a_file = tmp_path / 'work'
    a_file.write_text('not a directory')
    result = run_tool('tools/train.py', CONFIG, '--work-dir', str(a_file),
                      *tiny_options(synthface, CONFIG), check=False)
    assert result.returncode != 0
    assert f'error: work dir {a_file} is a file, not a directory' in result.stderr
    assert 'Traceback' not in result.stderr
    full = tmp_path / 'full'
    result = run_tool('tools/train.py', CONFIG, '--work-dir', str(full),
                      *tiny_options(synthface, CONFIG),
                      'default_hooks.checkpoint.free_checkpoints=1000000000', check=False)
    assert result.returncode != 0 and 'Traceback' not in result.stderr
    assert f'error: {full} has ' in result.stderr
    assert 'free, and training needs about ' in result.stderr
    assert not list(full.glob('*.pth'))
