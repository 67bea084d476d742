"""Convert an official STAR or AWing checkpoint into a wingpose checkpoint.

    python tools/model_converters/official_to_wingpose.py star WFLW_STARLoss.pkl star_wflw.pth
    python tools/model_converters/official_to_wingpose.py awing WFLW_4HG.pth awing_wflw.pth

STAR's checkpoints (``ZhenglinZhou/STAR``, ``lib/utility.py: save_model``) hold the network
under ``net`` and its EMA under ``net_ema`` (``--ema`` picks it); AWing's
(``protossw512/AdaptiveWingLoss``) are a state dict or hold one under ``state_dict``. The
result loads into ``configs/star/stackedhg_star_*.py`` or ``configs/awing/stackedhg_awing_*.py``
(``python tools/test.py CONFIG OUT``); it is written to a temporary file and moved into place,
so an existing OUT is kept if anything fails.
"""
import argparse
import os.path as osp
import pickle
import sys

import torch

from wingpose.models.utils import convert_awing_state_dict, convert_star_state_dict
from wingpose.utils import atomic_write

CONVERTERS = dict(star=convert_star_state_dict, awing=convert_awing_state_dict)
CONTAINERS = dict(star='net', awing='state_dict')


def official_state_dict(checkpoint, model: str, ema: bool) -> dict:
    """The network's state dict inside an official checkpoint (or the checkpoint itself)."""
    key = 'net_ema' if ema else CONTAINERS[model]
    if isinstance(checkpoint, dict) and key in checkpoint:
        return checkpoint[key]
    if not ema and isinstance(checkpoint, dict) and \
            all(torch.is_tensor(v) for v in checkpoint.values()):
        return checkpoint  # a bare state dict
    found = sorted(checkpoint) if isinstance(checkpoint, dict) else type(checkpoint).__name__
    raise KeyError(f'expected {key!r} or a bare state dict, found {found}')


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('model', choices=sorted(CONVERTERS))
    parser.add_argument('src', help='the official checkpoint')
    parser.add_argument('dst', help='the wingpose checkpoint to write')
    parser.add_argument('--ema', action='store_true', help="STAR: convert 'net_ema'")
    args = parser.parse_args()
    if args.ema and args.model != 'star':
        sys.exit('error: --ema is for STAR checkpoints (AWing has no EMA)')
    if not osp.isfile(args.src):
        sys.exit(f'error: no checkpoint at {args.src}')
    try:
        checkpoint = torch.load(args.src, map_location='cpu', weights_only=True)
        state_dict = CONVERTERS[args.model](official_state_dict(checkpoint, args.model, args.ema))
    except (KeyError, RuntimeError, ValueError, EOFError, OSError,
            pickle.UnpicklingError) as error:
        sys.exit(f'error: {args.src} is not an official {args.model} checkpoint: {error}')
    out = dict(state_dict={'backbone.' + k: v for k, v in state_dict.items()},
               meta=dict(converted_from=osp.abspath(args.src), official=args.model,
                         ema=args.ema))
    with atomic_write(args.dst) as f:
        torch.save(out, f)
    print(f'{args.dst}: {len(state_dict)} tensors from {args.src} ({args.model}'
          f'{", EMA" if args.ema else ""})')


if __name__ == '__main__':
    main()
