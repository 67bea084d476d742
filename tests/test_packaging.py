"""A wheel built from the working tree (as a clean clone has it), installed outside the
repository: configs inside, loadable and inheritable; requirements that match the pins."""
import os
import os.path as osp
import re
import shutil
import subprocess
import sys
import zipfile

import pytest

from .utils import ROOT


def clean_copy(destination: str) -> None:
    """The tracked and untracked-but-not-ignored files, as a fresh clone would hold them."""
    files = subprocess.run(['git', 'ls-files', '-co', '--exclude-standard', '-z'], cwd=ROOT,
                           capture_output=True, check=True).stdout.decode().split('\0')
    for name in filter(None, files):
        source, target = osp.join(ROOT, name), osp.join(destination, name)
        os.makedirs(osp.dirname(target), exist_ok=True)
        if osp.islink(source):
            os.symlink(os.readlink(source), target)
        elif osp.isfile(source):
            shutil.copy2(source, target)


def pins():
    """requirement name -> line in requirements/constraints.txt."""
    with open(osp.join(ROOT, 'requirements', 'constraints.txt')) as f:
        lines = [line.split('#')[0].strip() for line in f]
    return {re.split(r'[<>=!~ ]', line)[0].lower(): line for line in lines if line}


@pytest.fixture(scope='module')
def installed(tmp_path_factory):
    """(wheel, site folder with wingpose installed from it)."""
    root = tmp_path_factory.mktemp('wheel')
    source, wheels, site = root / 'src', root / 'dist', root / 'site'
    clean_copy(str(source))
    pip = [sys.executable, '-m', 'pip', '--disable-pip-version-check']
    subprocess.run(pip + ['wheel', '-q', '--no-deps', '--no-build-isolation', '-w', str(wheels),
                          str(source)], check=True, capture_output=True)
    (wheel, ) = wheels.glob('wingpose-*.whl')
    subprocess.run(pip + ['install', '-q', '--no-deps', '--target', str(site), str(wheel)],
                   check=True, capture_output=True)
    return wheel, site


def run_outside(site, code: str, cwd, env=None) -> str:
    """Run python code in ``cwd`` (outside the repository) with the installed wingpose first."""
    environment = dict(os.environ, PYTHONPATH=str(site), PYTHONWARNINGS='ignore', **(env or {}))
    result = subprocess.run([sys.executable, '-c', code], cwd=str(cwd), capture_output=True,
                            text=True, env=environment, timeout=300)
    assert result.returncode == 0, result.stderr[-4000:]
    return result.stdout


def test_wheel_holds_configs_and_pinned_requirements(installed):
    wheel, _ = installed
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        metadata = archive.read(next(n for n in names if n.endswith('METADATA'))).decode()
    assert 'wingpose/.mim/configs/wing/cnn6_aflw.py' in names
    assert 'wingpose/.mim/model-index.yml' in names
    assert 'wingpose/.mim/configs/_base_/models/cnn6.py' in names
    configs = {osp.relpath(p, osp.join(ROOT, 'configs')) for p in
               __import__('glob').glob(osp.join(ROOT, 'configs', '**', '*.py'), recursive=True)}
    assert {n[len('wingpose/.mim/configs/'):] for n in names
            if n.startswith('wingpose/.mim/configs/') and n.endswith('.py')} == configs
    required = {re.split(r'[<>=!~ ;]', line[len('Requires-Dist: '):])[0].lower():
                line[len('Requires-Dist: '):].split(';')[0].strip()
                for line in metadata.splitlines()
                if line.startswith('Requires-Dist: ') and 'extra ==' not in line}
    for name in ('torch', 'mmcv', 'mmengine', 'mmpose', 'numpy', 'opencv-python'):
        assert required[name].replace(' ', '') == pins()[name].replace(' ', ''), name
    assert 'scipy' in required and 'setuptools' not in required


def test_installed_wheel_loads_builds_and_inherits_configs(installed, tmp_path):
    _, site = installed
    child = tmp_path / 'my_cnn6.py'
    child.write_text("_base_ = ['wingpose::wing/cnn6_aflw.py']\n"
                     "model = dict(backbone=dict(with_bn=True))\n")
    out = run_outside(site, f"""
import wingpose
from mmengine.config import Config
from mmengine.registry import DefaultScope
from wingpose.registry import MODELS
from wingpose.utils import config_path
assert wingpose.__file__.startswith({str(site)!r}), wingpose.__file__
base = Config.fromfile(config_path('wing/cnn6_aflw.py'))
child = Config.fromfile({str(child)!r})
with DefaultScope.overwrite_default_scope(base.default_scope):
    for cfg in (base, child):
        model = MODELS.build(cfg.model)
        print(type(model).__name__, model.head.num_joints, cfg.model.backbone.get('with_bn'))
""", cwd=tmp_path)
    assert out.split('\n')[:2] == ['TopdownPoseEstimator 19 None', 'TopdownPoseEstimator 19 True']


def test_config_path_for_tools_that_read_configs_first(installed, tmp_path):
    """MMPose's tools parse a config before importing anything: the environment variable."""
    _, site = installed
    printed = subprocess.run([str(site / 'bin' / 'wingpose-config'), 'wing/cnn6_aflw.py'],
                             capture_output=True, text=True, check=True,
                             env=dict(os.environ, PYTHONPATH=str(site))).stdout.strip()
    assert printed == str(site / 'wingpose' / '.mim' / 'configs' / 'wing' / 'cnn6_aflw.py')
    child = tmp_path / 'my_cnn6.py'
    child.write_text("_base_ = ['{{$WINGPOSE_CONFIGS:}}/wing/cnn6_aflw.py']\n"
                     "train_cfg = dict(max_epochs=3)\n")
    out = run_outside(site, f"""
from mmengine.config import Config
cfg = Config.fromfile({str(child)!r})
print(cfg.train_cfg.max_epochs, cfg.model.backbone.type, cfg.default_scope)
""", cwd=tmp_path, env=dict(WINGPOSE_CONFIGS=str(osp.dirname(osp.dirname(printed)))))
    assert out.strip().splitlines()[-1] == '3 CNN6 wingpose'
    failed = subprocess.run([str(site / 'bin' / 'wingpose-config'), 'wing/nope.py'],
                            capture_output=True, text=True,
                            env=dict(os.environ, PYTHONPATH=str(site)))
    assert failed.returncode == 2 and "wingpose has no config 'wing/nope.py'" in failed.stderr
