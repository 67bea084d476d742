"""The reproduction's studies as data: per study its question, its paper's protocol, its
methods (a config, options, a work-dir tag), its training length, seeds and label noise."""
import os.path as osp
from collections import OrderedDict
from typing import List, NamedTuple, Optional, Tuple

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
SYNTH = 'configs/synthface/'


def epochs(count: int) -> Tuple[str, ...]:
    """The options that train ``count`` epochs, validating at the end of the last one."""
    return (f'train_cfg.max_epochs={count}', f'train_cfg.val_interval={count}',
            f'param_scheduler.0.end={count}')


class Protocol(NamedTuple):
    """How a paper scores its benchmark, on the synthetic layout of the same name.

    Attributes:
        layout: the generator's layout (its annotation files ``synthface_<layout>_*.json``).
        dataset_name: MMPose's name of the benchmark, for the metric's preset.
        metric: the headline figure's metric key.
        subsets: the test subsets the headline figure pools (each face counted once); empty:
            every test face.
        text: the protocol in words.
    """
    layout: str
    dataset_name: str
    metric: str
    subsets: Tuple[str, ...]
    text: str


PROTOCOLS = OrderedDict(
    aflw19=Protocol('19', 'aflw', 'NME_bbox', (),
                    'AFLW-Full style: 19 points, NME normalised by the face box (sqrt(w h)), '
                    'every test face (the Wing paper\'s AFLW protocol)'),
    w300_68=Protocol('68', '300w', 'NME_inter_ocular', ('yaw_0_15', 'yaw_15_45'),
                     '300W style: 68 points, NME normalised by the inter-ocular distance over '
                     'the test faces with |yaw| < 45 degrees (the profiles, yaw_45_90, by the '
                     'face box in the tables)'),
    wflw98=Protocol('98', 'wflw', 'NME_inter_ocular', (),
                    'WFLW style: 98 points placed along the 68-point contours, NME normalised by '
                    'the inter-ocular distance, FR and AUC at 0.10, every test face'),
)


class Method(NamedTuple):
    """One row of a study: a config, plus options and a work-dir tag for a variant of it.

    Options may name another run's files with ``{runs}`` (the work dir of all runs), ``{seed}``,
    ``{epochs}`` and ``{data}`` (the work-dir part of the run's data); that run must come
    earlier in the study.
    """
    name: str
    config: str
    options: Tuple[str, ...] = ()
    tag: str = ''


class Study(NamedTuple):
    question: str
    protocol: str  # a key of PROTOCOLS
    methods: List[Method]
    options: List[str]  # --cfg-options of every run
    num_seeds: int = 1  # the first seeds of --seeds (CPU budget)
    label_noise: float = 0.  # annotation noise of the training labels, % of inter-ocular


# the synthetic configs' CNN7 is half as wide in its first blocks (CPU budget): every table says so
CNN7 = 'CNN7 (half width)'
TWO_STAGE = 'CNN6 -> CNN7 (half width)'
# One length for the CNN runs of the default studies: 6 epochs of the 8 000 training faces
# (48 000 samples), 5 for the hourglass (40 000; 69 samples/s on one core against CNN6's 190):
# what the default reproduction's budget (under 2 hours on 2 cores) allows for its 24 runs;
# the length study shows how far that is from convergence.
EPOCHS = list(epochs(6))
HOURGLASS_EPOCHS = list(epochs(5))
# PoseBalancedDataset repeats the rare poses: its epoch of the default training set is 2.9
# times longer (23 193 samples, the PDB histogram of docs/results.md), so 2 epochs with PDB
# are about the samples of 6 without (46 000 and 48 000)
PDB_EPOCHS = epochs(2)
LABEL_NOISE = 2.


def cnn6(loss: str, layout: str = '19') -> str:
    return SYNTH + f'cnn6_{loss}_synthface{"" if layout == "68" else layout}.py'


LOSSES = (('L2', 'l2'), ('L1', 'l1'), ('smooth L1', 'smoothl1'), ('Wing', 'wing'),
          ('RWing', 'rwing'))
LOSS_METHODS = [Method(name, cnn6(key)) for name, key in LOSSES]


def two_stage(layout: str, num_epochs: Optional[int] = None) -> Method:
    """The paper's two-stage recipe: CNN6 (the study's ``CNN6`` row, as long) trained first,
    then frozen while CNN7 learns on the crops it aligns; ``num_epochs``: other than the
    study's."""
    suffix = '' if layout == '68' else layout
    return Method(
        TWO_STAGE + (f', {num_epochs} epochs' if num_epochs else ''),
        SYNTH + f'cnn6-cnn7_wing_synthface{suffix}.py', (
            f'model.stage_checkpoints.coarse={{runs}}/cnn6_wing_synthface{suffix}/{{epochs}}ep'
            '{data}/seed{seed}/epoch_{epochs}.pth', 'model.frozen_stages=[coarse]',
            *(epochs(num_epochs) if num_epochs else ())), 'staged')


# a validation split of the training set (its last NUM_VAL faces, carve_validation), for
# choosing rates without the test set
NUM_VAL = 400
SWEEP_RATES = (3e-4, 1e-3, 3e-3)


def on_validation(layout: str) -> Tuple[str, ...]:
    return (f'train_dataloader.dataset.ann_file=annotations/synthface_{layout}_fit.json',
            f'val_dataloader.dataset.ann_file=annotations/synthface_{layout}_val.json',
            f'test_dataloader.dataset.ann_file=annotations/synthface_{layout}_val.json')


HOURGLASS = 'configs/synthface/stackedhg-small_{}_synthface98.py'
STUDIES = OrderedDict(
    # STAR's own network, reduced for CPU (2 stacks of depth 3, 64 channels, 64x64 input, batch
    # 16; the configs list what is kept), every output trained by each loss
    heatmap=Study('Heatmap regression on STAR\'s network (its hourglass with point and edge '
                  'maps, reduced for every method to 2 stacks of depth 3 and 64 channels, 64x64 '
                  'input, 16x16 heatmaps, batch 16): MSE vs AWing vs AWing + weighted map vs '
                  'AWing + map + STAR (AWing and STAR papers, WFLW)', 'wflw98', [
                      Method('MSE', HOURGLASS.format('mse')),
                      Method('AWing', HOURGLASS.format('awing-nomap')),
                      Method('AWing + map', HOURGLASS.format('awing')),
                      Method('AWing + map + STAR', HOURGLASS.format('awing-star'))],
                  HOURGLASS_EPOCHS),
    architecture=Study('CNN6 vs CNN7 vs the two-stage CNN6 -> CNN7 (CNN6 trained first, then '
                       'frozen), all with Wing (Wing paper, AFLW)', 'aflw19', [
                           Method('CNN6', cnn6('wing')),
                           Method(CNN7, SYNTH + 'cnn7_wing_synthface19.py'),
                           two_stage('19')], EPOCHS),
    w300=Study('The 300W-style result: CNN6 and the two-stage CNN6 -> CNN7 with Wing on 68 '
               'points (Wing paper, 300W)', 'w300_68', [
                   Method('CNN6', cnn6('wing', '68')), two_stage('68')], EPOCHS),
    pdb=Study('Pose-based data balancing on CNN6 with Wing: off vs on, at about the same '
              'samples (Wing paper, AFLW)', 'aflw19', [
                  Method('CNN6, Wing', cnn6('wing')),
                  Method('CNN6, Wing + PDB', cnn6('wing_pdb'), PDB_EPOCHS)], EPOCHS),
    loss=Study('Loss ablation on CNN6 (Wing paper, AFLW): L2 vs L1 vs smooth L1 vs Wing vs '
               'Rectified Wing, exact labels', 'aflw19', LOSS_METHODS, EPOCHS, num_seeds=2),
    loss_noise=Study(f'The loss ablation with annotation noise on the training labels '
                     f'({LABEL_NOISE:g} % of the inter-ocular distance along the contours, half '
                     'across; test labels exact)', 'aflw19', LOSS_METHODS, EPOCHS,
                     label_noise=LABEL_NOISE),
    # investigations, run when named
    lr_sweep=Study('Investigation: the learning rate of each loss on CNN6, on a validation '
                   f'split of the training set (its last {NUM_VAL} faces; never the test set)',
                   'aflw19', [Method(f'{name}, lr {rate:g}', cnn6(key),
                                     (f'optim_wrapper.optimizer.lr={rate:g}',
                                      *on_validation('19')), f'fit-lr{rate:g}')
                              for name, key in LOSSES for rate in SWEEP_RATES], EPOCHS),
    length=Study('Investigation: the learning curve of CNN6 with Wing (6, 12, 24 and 48 epochs): '
                 'how far the default length is from convergence', 'aflw19', [
                     Method(f'CNN6, Wing, {count} epochs', cnn6('wing'), epochs(count))
                     for count in (6, 12, 24, 48)], EPOCHS),
    architecture_length=Study('Investigation: CNN6 and the two-stage CNN6 -> CNN7 with Wing at '
                              'twice the default length (12 epochs each), 19 points', 'aflw19',
                              [Method('CNN6, 12 epochs', cnn6('wing'), epochs(12)),
                               two_stage('19', 12)], EPOCHS),
    w300_length=Study('Investigation: CNN6 and the two-stage CNN6 -> CNN7 with Wing at twice '
                      'the default length (12 epochs each), 68 points', 'w300_68',
                      [Method('CNN6, 12 epochs', cnn6('wing', '68'), epochs(12)),
                       two_stage('68', 12)], EPOCHS),
    length68=Study('Investigation: the learning curve of CNN6 with Wing on 68 points (6, 12 and '
                   '24 epochs): how far the 300W-style figure and its share of faces under 2 % '
                   'are from convergence', 'w300_68', [
                       Method(f'CNN6, Wing, {count} epochs', cnn6('wing', '68'), epochs(count))
                       for count in (6, 12, 24)], EPOCHS),
    pdb_passes=Study('Investigation: pose-based data balancing at the passes over each face of '
                     'the run without it (6 epochs of the balanced set, 2.9 times the samples) '
                     'rather than at its samples', 'aflw19', [
                         Method('CNN6, Wing', cnn6('wing')),
                         Method('CNN6, Wing + PDB, 6 epochs', cnn6('wing_pdb'))], EPOCHS),
    heatmap_seeds=Study('Investigation: MSE vs AWing on the reduced hourglass over two seeds: '
                        'is the gap beyond the seed spread', 'wflw98', [
                            Method('MSE', HOURGLASS.format('mse')),
                            Method('AWing', HOURGLASS.format('awing-nomap'))],
                        HOURGLASS_EPOCHS, num_seeds=2),
    heatmap_length=Study('Investigation: MSE vs AWing on the reduced hourglass trained twice as '
                         'long (10 epochs): does AWing need the longer schedule', 'wflw98', [
                             Method('MSE, 10 epochs', HOURGLASS.format('mse'), epochs(10)),
                             Method('AWing, 10 epochs', HOURGLASS.format('awing-nomap'),
                                    epochs(10))], HOURGLASS_EPOCHS),
)
# what a plain run studies, in the order its runs start (the longest first)
DEFAULT_STUDIES = ['heatmap', 'architecture', 'w300', 'pdb', 'loss', 'loss_noise']


def data_options(config: str, data_root: str) -> List[str]:
    from mmengine.config import Config

    from wingpose.datasets import data_root_options
    return data_root_options(Config.fromfile(osp.join(ROOT, config)), data_root)


def quick_options() -> List[str]:
    return ['train_cfg.max_epochs=1', 'train_cfg.val_interval=1', 'param_scheduler.0.end=1',
            'train_dataloader.batch_size=4']


# every run: the data loaded in the training process (with one worker beside it, two cores
# ran CNN6 at 200 samples/s instead of 260: the worker and the intra-op threads contend)
IN_PROCESS = ['train_dataloader.num_workers=0', 'train_dataloader.persistent_workers=False',
              'val_dataloader.num_workers=0', 'val_dataloader.persistent_workers=False',
              'test_dataloader.num_workers=0', 'test_dataloader.persistent_workers=False']


def max_epochs(config: str, options: List[str]) -> int:
    """The training length of a run: the last ``train_cfg.max_epochs`` option, else the config's."""
    given = [o for o in options if o.startswith('train_cfg.max_epochs=')]
    if given:
        return int(given[-1].split('=')[1])
    from mmengine.config import Config
    return Config.fromfile(osp.join(ROOT, config)).train_cfg.max_epochs
