"""tools/slurm_train.sh and tools/slurm_test.sh on CPU, with srun and scontrol stood in for
by scripts that start the tasks on this machine with slurm's variables."""
import os
import re
import stat
import sys

from ..utils import run_tool, tiny_options

CONFIG = 'configs/synthface/cnn6_wing_synthface.py'

FAKE_SRUN = '''#!/usr/bin/env python3
"""srun on one node: start --ntasks copies of the command with slurm's variables."""
import os, subprocess, sys
args, ntasks = sys.argv[1:], 1
with open(os.environ['SRUN_RECORD'], 'w') as f:
    f.write(' '.join(args))
while args and args[0].startswith('-'):
    option = args.pop(0)
    if option == '-p':
        args.pop(0)
    elif option.startswith('--ntasks='):
        ntasks = int(option.split('=')[1])
tasks = [subprocess.Popen(args, env=dict(os.environ, SLURM_PROCID=str(i), SLURM_LOCALID=str(i),
                                         SLURM_NTASKS=str(ntasks), SLURM_NODELIST='node[1]'))
         for i in range(ntasks)]
sys.exit(max(task.wait() for task in tasks))
'''


def fake_slurm(folder):
    folder.mkdir()
    for name, text in (('srun', FAKE_SRUN),
                       ('scontrol', '#!/bin/sh\n[ "$1 $2 $3" = "show hostname node[1]" ] '
                        '&& echo 127.0.0.1\n')):
        path = folder / name
        path.write_text(text)
        path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return dict(PATH=f'{folder}:{os.path.dirname(sys.executable)}:{os.environ["PATH"]}',
                SRUN_RECORD=str(folder / 'srun.args'), MASTER_PORT='29541', GPUS='2',
                GPUS_PER_NODE='0', CPUS_PER_TASK='1')


def test_slurm_train_and_test_on_cpu(synthface, tmp_path, monkeypatch):
    for name, value in fake_slurm(tmp_path / 'bin').items():
        monkeypatch.setenv(name, value)
    work_dir = tmp_path / 'work'
    result = run_tool('tools/slurm_train.sh', 'cpu', 'wingpose', CONFIG, str(work_dir),
                      *tiny_options(synthface, CONFIG), launcher=['bash'])
    srun_args = (tmp_path / 'bin' / 'srun.args').read_text()
    assert srun_args.startswith('-p cpu --job-name=wingpose --ntasks=2 --cpus-per-task=1')
    assert '--gres' not in srun_args and '--launcher=slurm' in srun_args
    log = result.stdout + result.stderr
    assert "'backend': 'gloo'" in log or 'gloo' in log
    assert (work_dir / 'epoch_1.pth').is_file()
    result = run_tool('tools/slurm_test.sh', 'cpu', 'wingpose', CONFIG,
                      str(work_dir / 'epoch_1.pth'), '--work-dir', str(tmp_path / 'test'),
                      *tiny_options(synthface, CONFIG), launcher=['bash'])
    ranks = dict(re.findall(r'\[rank (\d)\] NME_inter_ocular=([0-9.]+)', result.stdout))
    assert set(ranks) == {'0', '1'} and len(set(ranks.values())) == 1


def test_slurm_launcher_without_srun_says_so(synthface, tmp_path):
    result = run_tool('tools/train.py', CONFIG, '--launcher', 'slurm', '--work-dir',
                      str(tmp_path), *tiny_options(synthface, CONFIG), check=False)
    assert result.returncode != 0
    assert "--launcher slurm needs the slurm variables ['SLURM_PROCID'" in result.stderr
