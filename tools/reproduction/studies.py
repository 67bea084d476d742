"""The reproduction's studies as data: per study its question, its methods (a config, options,
a work-dir tag) and the options of every run; and the options a run is trained with."""
import os.path as osp
from collections import OrderedDict
from typing import List, NamedTuple, Optional, Tuple

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
SYNTH = 'configs/synthface/'


def epochs(count: int) -> Tuple[str, ...]:
    """The options that train ``count`` epochs, validating at the end of the last one."""
    return (f'train_cfg.max_epochs={count}', f'train_cfg.val_interval={count}',
            f'param_scheduler.0.end={count}')


# CNN6 learns slowly from scratch: after the configs' 8 epochs (300 iterations on 1200 faces)
# its NME is barely below the mean-shape baseline, too close to tell losses apart. 30 epochs.
CNN6_EPOCHS = list(epochs(30))
# HRNet is ~10x slower than CNN6 per image on CPU: 4 epochs
HRNET_EPOCHS = list(epochs(4))
# STAR's own network, reduced for CPU: 8 epochs (at 4 the AWing-trained maps were still worse
# than the mean shape)
HOURGLASS_EPOCHS = list(epochs(8))


class Method(NamedTuple):
    """One row of a study: a config, plus options and a work-dir tag for a variant of it.

    Options may name another run's files with ``{runs}`` (the work dir of all runs), ``{seed}``
    and ``{epochs}``; that run must come earlier in the study.
    """
    name: str
    config: str
    options: Tuple[str, ...] = ()
    tag: str = ''


class Study(NamedTuple):
    question: str
    methods: List[Method]
    options: List[str]  # --cfg-options of every run
    num_seeds: Optional[int] = None  # the first seeds only (CPU budget); None: every seed


# the synthetic configs' CNN7 is half as wide in its first blocks (CPU budget): every table says so
CNN7 = 'CNN7 (half width)'
TWO_STAGE = 'CNN6 -> CNN7 (half width)'


def cnn6(loss: str) -> str:
    return SYNTH + f'cnn6_{loss}_synthface.py'


LOSSES = (('L2', 'l2'), ('L1', 'l1'), ('smooth L1', 'smoothl1'), ('Wing', 'wing'),
          ('RWing', 'rwing'))
# The loss study trains each loss at its own rate, chosen on a validation split of the
# training set (the last NUM_VAL faces, carve_validation), never on the test set. A loss whose
# best rate is the largest (smallest) it was swept at is swept one step further up (down) this
# ladder, until its best rate lies inside its grid. --quick sweeps the configs' own rate only.
RATE_LADDER = (1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1)
SWEEP_RATES = RATE_LADDER[3:6]  # 3e-4, 1e-3, 3e-3
QUICK_SWEEP_RATES = (1e-3, )
NUM_VAL = 200
ON_VALIDATION = ('train_dataloader.dataset.ann_file=annotations/synthface_68_fit.json',
                 'val_dataloader.dataset.ann_file=annotations/synthface_68_val.json',
                 'test_dataloader.dataset.ann_file=annotations/synthface_68_val.json')
# marks the option that becomes the loss's rate chosen by the sweep
BEST_RATE = 'optim_wrapper.optimizer.lr={best_lr}'


def sweep_name(loss: str, rate: float) -> str:
    return f'{loss}, lr {rate:g}'


def sweep_method(loss: str, rate: float) -> Method:
    """The sweep's run of ``loss`` (its name in LOSSES) at ``rate``, on the validation split."""
    return Method(sweep_name(loss, rate), cnn6(dict(LOSSES)[loss]),
                  (f'optim_wrapper.optimizer.lr={rate:g}', *ON_VALIDATION), f'fit-lr{rate:g}')


SWEEP_METHODS = [sweep_method(loss, rate) for loss, _ in LOSSES for rate in SWEEP_RATES]
WING_W5 = ('model.head.loss.omega=5.', 'model.head.loss.epsilon=1.')
WING_W20 = ('model.head.loss.omega=20.', 'model.head.loss.epsilon=4.')
LR_3E4 = ('optim_wrapper.optimizer.lr=0.0003', )
HEATMAP_METHODS = [
    Method('MSE', SYNTH + 'hrnetv2-w18-small_mse_synthface.py'),
    Method('AWing', SYNTH + 'hrnetv2-w18-small_awing-nomap_synthface.py'),
    Method('AWing + map', SYNTH + 'hrnetv2-w18-small_awing_synthface.py'),
    Method('AWing + map + STAR', SYNTH + 'hrnetv2-w18-small_awing-star_synthface.py')]
# STAR's own network, reduced for CPU (2 stacks of depth 3, 64 channels, 128x128 input, batch
# 16; the configs list what is kept), every output trained by each loss, same budget: 8 epochs
# (at 4 the AWing-trained maps were still worse than the mean shape), 2 seeds (~20 min a run)
HOURGLASS_METHODS = [
    Method('STAR hourglass, MSE', SYNTH + 'stackedhg-small_mse_synthface.py'),
    Method('STAR hourglass, AWing', SYNTH + 'stackedhg-small_awing-nomap_synthface.py'),
    Method('STAR hourglass, AWing + map', SYNTH + 'stackedhg-small_awing_synthface.py'),
    Method('STAR hourglass, AWing + map + STAR', SYNTH + 'stackedhg-small_awing-star_synthface.py')]
STUDIES = OrderedDict(
    lr_sweep=Study('Learning rate of each loss on CNN6, chosen on a validation split of the '
                   'training set (the last 200 training faces, held out; never the test set)',
                   SWEEP_METHODS, CNN6_EPOCHS, num_seeds=1),
    loss=Study('Loss ablation on CNN6 (Wing paper, Table 2 on AFLW): L2 vs L1 vs smooth-L1 vs '
               'Wing vs Rectified Wing, each at the rate the sweep chose',
               [Method(name, cnn6(key), (BEST_RATE, ), 'lr{best_lr}') for name, key in LOSSES],
               CNN6_EPOCHS),
    # PDB repeats the rare poses: its epoch of the synthetic training set is ~2.5x longer (96
    # iterations instead of 38), so 12 PDB epochs are as many iterations as 30 plain ones
    pdb=Study('Pose-based data balancing on CNN6 with Wing: off vs on (same epochs, and same '
              'iterations)', [
                  Method('CNN6, Wing', cnn6('wing')),
                  Method('CNN6, Wing + PDB', cnn6('wing_pdb')),
                  Method('CNN6, Wing + PDB, same iterations', cnn6('wing_pdb'), epochs(12))],
              CNN6_EPOCHS),
    # the paper's two-stage recipe: CNN6 is trained first (the CNN6 row), then frozen while
    # CNN7 learns on the crops it aligns
    architecture=Study('CNN6 vs CNN7 vs the two-stage CNN6 -> CNN7 (CNN6 trained first, then '
                       'frozen), all with Wing', [
                           Method('CNN6', cnn6('wing')),
                           Method(CNN7, SYNTH + 'cnn7_wing_synthface.py'),
                           Method(TWO_STAGE, SYNTH + 'cnn6-cnn7_wing_synthface.py', (
                               'model.stage_checkpoints.coarse={runs}/cnn6_wing_synthface/'
                               '{epochs}ep/seed{seed}/epoch_{epochs}.pth',
                               'model.frozen_stages=[coarse]'), 'staged')],
                       CNN6_EPOCHS),
    heatmap=Study('Heatmap regression (HRNetV2-W18, reduced): MSE vs AWing vs AWing + weighted '
                  'map vs AWing + STAR', HEATMAP_METHODS, HRNET_EPOCHS),
    heatmap_hourglass=Study('Heatmap regression on STAR\'s network (its hourglass with point and '
                            'edge maps, reduced for every method to 2 stacks of depth 3 and 64 '
                            'channels, 128x128 input, 32x32 heatmaps, batch 16): MSE vs AWing '
                            'vs AWing + weighted map vs AWing + map + STAR',
                            HOURGLASS_METHODS, HOURGLASS_EPOCHS, num_seeds=2),
    # Wing against L1 under other omega/epsilon scales, learning rates and lengths, first seed
    # only for the CPU budget
    wing_vs_l1=Study('Investigation: Wing vs L1 on CNN6 under other w/epsilon scales, learning '
                     'rates and lengths', [
                         Method('L1', cnn6('l1')), Method('Wing (w=10, eps=2)', cnn6('wing')),
                         Method('Wing (w=5, eps=1)', cnn6('wing'), WING_W5, 'w5-eps1'),
                         Method('Wing (w=20, eps=4)', cnn6('wing'), WING_W20, 'w20-eps4'),
                         Method('L1, lr 3e-4', cnn6('l1'), LR_3E4, 'lr3e-4'),
                         Method('Wing, lr 3e-4', cnn6('wing'), LR_3E4, 'lr3e-4'),
                         Method('L1, 60 epochs', cnn6('l1'), epochs(60)),
                         Method('Wing, 60 epochs', cnn6('wing'), epochs(60))],
                     CNN6_EPOCHS, num_seeds=1),
    # CNN7 did not beat CNN6 in 30 epochs: twice the length (the CNN6 run is the investigation's)
    cnn7_vs_cnn6=Study('Investigation: CNN7 vs CNN6 with twice the epochs', [
        Method('CNN6, 60 epochs', cnn6('wing'), epochs(60)),
        Method(f'{CNN7}, 60 epochs', SYNTH + 'cnn7_wing_synthface.py', epochs(60))],
        CNN6_EPOCHS, num_seeds=1),
    # AWing was within the seed spread of MSE and STAR behind AWing + map after 4 epochs: the
    # heatmap models at twice that, every seed (the gaps are small)
    heatmap_8ep=Study('Investigation: the heatmap models with twice the epochs', [
        method._replace(name=f'{method.name}, 8 epochs', options=epochs(8))
        for method in HEATMAP_METHODS], HRNET_EPOCHS),
)
# what a plain run studies; the reduced-HRNet heatmap studies and the investigations run when
# named
DEFAULT_STUDIES = ['lr_sweep', 'loss', 'pdb', 'architecture', 'heatmap_hourglass']


def data_options(config: str, data_root: str) -> List[str]:
    from mmengine.config import Config

    from wingpose.datasets import data_root_options
    return data_root_options(Config.fromfile(osp.join(ROOT, config)), data_root)


def quick_options() -> List[str]:
    return ['train_cfg.max_epochs=1', 'train_cfg.val_interval=1', 'train_dataloader.batch_size=4',
            'train_dataloader.num_workers=0', 'train_dataloader.persistent_workers=False',
            'val_dataloader.num_workers=0', 'val_dataloader.persistent_workers=False',
            'test_dataloader.num_workers=0', 'test_dataloader.persistent_workers=False']


def max_epochs(config: str, options: List[str]) -> int:
    """The training length of a run: the last ``train_cfg.max_epochs`` option, else the config's."""
    given = [o for o in options if o.startswith('train_cfg.max_epochs=')]
    if given:
        return int(given[-1].split('=')[1])
    from mmengine.config import Config
    return Config.fromfile(osp.join(ROOT, config)).train_cfg.max_epochs


def study_methods(study: str, quick: bool) -> List[Method]:
    """The methods a run of ``study`` trains (--quick sweeps fewer rates)."""
    methods = STUDIES[study].methods
    if study == 'lr_sweep' and quick:
        methods = [m for m in methods
                   if any(m.name == sweep_name(loss, rate) for loss, _ in LOSSES
                          for rate in QUICK_SWEEP_RATES)]
    return methods


def config_rate(config: str) -> float:
    from mmengine.config import Config
    return Config.fromfile(osp.join(ROOT, config)).optim_wrapper.optimizer.lr
