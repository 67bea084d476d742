"""wingpose's configs after installation: where they are, and ``wingpose::`` in MMEngine.

The wheel installs the configs as ``wingpose/.mim/configs`` (MMPose's layout); in a checkout
that folder is a link to the repository's ``configs/``. Three ways to use them from another
project:

* ``Config.fromfile(config_path('wing/cnn6_aflw.py'))``, or on a command line
  ``python tools/train.py $(wingpose-config wing/cnn6_aflw.py)``;
* ``_base_ = ['wingpose::wing/cnn6_aflw.py']`` in a config, wherever ``wingpose`` is imported
  before the config is read (wingpose's tools, or any script that imports it first), with a
  regular install: MMEngine looks in the installed package's folder, which an editable install
  does not have (in a clone, inherit by the relative path);
* ``_base_ = ['{{$WINGPOSE_CONFIGS:}}/wing/cnn6_aflw.py']`` with
  ``WINGPOSE_CONFIGS=$(wingpose-config)`` for tools that read the config before importing
  anything, such as MMPose's own ``tools/train.py``.
"""
import argparse
import os.path as osp
from typing import Optional, Sequence

from mmengine.config import DictAction
from mmengine.config import utils as config_utils

PACKAGE = 'wingpose'


def cfg_options(options: Sequence[str]) -> dict:
    """``--cfg-options`` items (``key=value``) as the dict that ``tools/train.py`` merges into
    a config (MMEngine's ``DictAction``: ``a=1,2`` a list, ``b=[x]`` a list, ``c=None`` None)."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument('--cfg-options', nargs='*', action=DictAction, default={})
    return parser.parse_args(['--cfg-options', *options]).cfg_options


def configs_root() -> str:
    """The folder that holds wingpose's configs (``wingpose/.mim/configs``)."""
    return osp.join(osp.dirname(osp.dirname(osp.abspath(__file__))), '.mim', 'configs')


def config_path(name: str) -> str:
    """The path of the config ``name`` (relative to the configs folder, e.g.
    ``'wing/cnn6_aflw.py'``); a ``wingpose::`` prefix is accepted."""
    name = name.split('::', 1)[1] if name.startswith(PACKAGE + '::') else name
    path = osp.join(configs_root(), name)
    if not osp.isfile(path):
        raise FileNotFoundError(f'wingpose has no config {name!r} (looked for {path}); the '
                                'configs are listed in configs/README.md')
    return path


def register_config_package() -> None:
    """Let MMEngine resolve ``wingpose::NAME`` in ``_base_``.

    MMEngine's ``package::`` prefix accepts the packages of its ``MODULE2PACKAGE`` table only
    (OpenMMLab's own) and looks for their configs in ``<package>/.mim/configs``, where the
    wingpose wheel installs them; this adds wingpose to that table.
    """
    config_utils.MODULE2PACKAGE.setdefault(PACKAGE, PACKAGE)


def main(argv: Optional[Sequence[str]] = None) -> None:
    """``wingpose-config [NAME]``: print the configs folder, or the path of config NAME."""
    parser = argparse.ArgumentParser(prog='wingpose-config', description=main.__doc__)
    parser.add_argument('name', nargs='?', help="a config, e.g. 'wing/cnn6_aflw.py'")
    args = parser.parse_args(argv)
    try:
        print(config_path(args.name) if args.name else configs_root())
    except FileNotFoundError as error:
        parser.exit(2, f'error: {error}\n')
