"""tools/reproduce.py --quick end to end on a tiny synthetic set, for the studies with their
own machinery (the rate sweep and the loss study at its rates, the staged two-stage model, the
hourglass study); every method of every study resolves and builds."""
import os
import os.path as osp
import re
import sys

import pytest

from ..utils import ROOT, load_tool, run_tool

# one quick run (train.py + test.py) takes 20-40 s here: these studies cover every mechanism
QUICK_STUDIES = ('lr_sweep', 'loss', 'architecture', 'heatmap_hourglass')


def load_reproduce():
    """tools/reproduce.py, the names of its package's parts (tools/reproduction) on it too."""
    reproduce = load_tool('tools/reproduce.py')
    for part in ('studies', 'runner', 'statistics', 'report'):
        for name, value in vars(sys.modules[f'reproduction.{part}']).items():
            if not name.startswith('_') and not hasattr(reproduce, name):
                setattr(reproduce, name, value)
    return reproduce


def quick_run_counts():
    """(runs listed, runs trained) of ``--quick``: one seed, one epoch, so a run is trained
    once per config and variant tag, whichever studies list it."""
    reproduce = load_reproduce()
    methods = [m for study in QUICK_STUDIES for m in reproduce.study_methods(study, True)]
    # the loss study's rate is the config's own at --quick: its runs are shared
    return len(methods), len({(m.config, '' if reproduce.BEST_RATE in m.options else m.tag)
                              for m in methods})


@pytest.mark.parametrize('study', list(load_reproduce().STUDIES))
def test_every_method_of_every_study_builds(study):
    """Each method's config with the study's and the method's options ({runs} etc. set)
    builds its model: a wrong key or argument fails here, not hours into a run."""
    from mmengine.config import Config, DictAction
    from mmengine.registry import init_default_scope
    from mmpose.registry import MODELS
    reproduce = load_reproduce()
    init_default_scope('wingpose')
    for method in reproduce.STUDIES[study].methods:
        options = [o.format(runs='/runs', seed=0, epochs=1, best_lr='0.001')
                   for o in [*reproduce.STUDIES[study].options, *method.options]]
        cfg = Config.fromfile(osp.join(ROOT, method.config))
        parsed = {}
        for option in options:
            key, value = option.split('=', 1)
            parsed[key] = DictAction._parse_iterable(value)
        cfg.merge_from_dict(parsed)
        cfg.model.get('backbone', {}).pop('init_cfg', None)
        cfg.model.pop('stage_checkpoints', None)  # another run's file
        MODELS.build(cfg.model)
        assert cfg.train_cfg.max_epochs == reproduce.max_epochs(method.config, options)


def test_reproduce_quick(tmp_path):
    out = tmp_path / 'docs'
    listed, trained = quick_run_counts()
    result = run_tool('tools/reproduce.py', '--quick', '--studies', *QUICK_STUDIES,
                      '--work-dir', str(tmp_path / 'runs'), '--out', str(out), timeout=1200)
    assert f'results.md written ({listed} runs' in result.stdout
    text = (out / 'results.md').read_text()
    assert re.search(r'Produced by `python tools/reproduce.py --quick .*` at commit `[0-9a-f]{40}`',
                     text)
    # each run's time is recorded with its result and summed once per run (the loss study
    # shares the architecture study's CNN6 run)
    assert re.search(rf'\({trained} runs, \d+ min on \d+ CPU cores\)', text)
    for study in QUICK_STUDIES:
        assert (out / f'ced_{study}.png').stat().st_size > 1000
    assert text.count('| method | NME io (full) |') == len(QUICK_STUDIES)
    assert '| STAR hourglass, AWing + map + STAR |' in text
    assert '## The papers\' claims, checked' in text
    assert "STAR helps AWing + map on STAR's own network (STAR paper)" in text
    # where the methods differ: error bands and landmark groups, in every study
    assert text.count('| method | < 2 % | 2-5 % | 5-8 % | >= 8 % | NME jaw | NME brows |') == \
        len(QUICK_STUDIES)
    # the rate sweep trains on the fit split and evaluates on the validation split only; the
    # loss study runs at the chosen rate (the config's own at --quick: a shared run)
    from mmengine.config import Config
    sweep = tmp_path / 'runs' / 'cnn6_wing_synthface' / '1ep-fit-lr0.001' / 'seed0'
    fitted = Config.fromfile(str(sweep / 'cnn6_wing_synthface.py'))
    assert fitted.train_dataloader.dataset.ann_file == 'annotations/synthface_68_fit.json'
    assert fitted.val_dataloader.dataset.ann_file == 'annotations/synthface_68_val.json'
    tested = Config.fromfile(str(sweep / 'test' / 'cnn6_wing_synthface.py'))
    assert tested.test_dataloader.dataset.ann_file == 'annotations/synthface_68_val.json'
    # the sweep table has a column per rate swept (--quick: the configs' own)
    assert '| loss | lr 0.001 |\n|---|---:|\n' in text and '| Wing | **' in text
    # a variant of a config runs in its own work dir, with its options in the report
    assert (tmp_path / 'runs' / 'cnn6-cnn7_wing_synthface' / '1ep-staged' / 'seed0' /
            'result.json').exists()
    assert ('`configs/synthface/cnn6-cnn7_wing_synthface.py` with '
            '`model.stage_checkpoints.coarse=') in text
    assert (out / 'pdb_histogram.png').stat().st_size > 1000
    # resumable: a second run reuses every finished run; it fills a README's results block
    readme = tmp_path / 'README.md'
    readme.write_text('# title\n<!-- results: generated by tools/reproduce.py, do not edit -->\n'
                      'stale results\n<!-- end of results -->\n## next\n')
    finished = {path: path.stat().st_mtime_ns for path in (tmp_path / 'runs').rglob('*')
                if path.name in ('result.json', 'run.log')}
    again = run_tool('tools/reproduce.py', '--quick', '--studies', *QUICK_STUDIES,
                     '--work-dir', str(tmp_path / 'runs'), '--out', str(out),
                     '--readme', str(readme))
    assert f'results.md written ({listed} runs' in again.stdout
    assert len(finished) == 2 * trained  # nothing trained or tested again, nothing added
    assert finished == {path: path.stat().st_mtime_ns for path in (tmp_path / 'runs').rglob('*')
                        if path.name in ('result.json', 'run.log')}
    assert re.search(rf'\({trained} runs, \d+ min on \d+ CPU cores\)',
                     (out / 'results.md').read_text())
    block = readme.read_text()
    assert block.startswith('# title\n') and block.endswith('<!-- end of results -->\n## next\n')
    assert 'stale results' not in block and '| loss | Wing |' in block
    assert '![CED of the loss study](docs/ced_loss.png)' in block

    # --report-only mid-sweep: the unfinished runs are listed, the loss study waits for its
    # rates, nothing is trained
    (sweep_result, ) = (tmp_path / 'runs').glob(
        'cnn6_l1_synthface/*ep-fit-lr0.001/seed0/result.json')
    sweep_result.rename(sweep_result.with_name('result.moved.json'))
    partial = run_tool('tools/reproduce.py', '--quick', '--report-only', '--studies', 'loss',
                       '--work-dir', str(tmp_path / 'runs'), '--out', str(tmp_path / 'partial'))
    assert 'results.md written' in partial.stdout
    assert not sweep_result.exists()
    text = (tmp_path / 'partial' / 'results.md').read_text()
    assert 'lr_sweep: L1, lr 0.001, seed 0;' in text
    assert 'loss: Wing, seed 0 (its rate is not chosen until the sweep is finished)' in text


def test_the_sweep_goes_past_a_best_rate_at_the_edge_of_its_grid(tmp_path, monkeypatch,
                                                                 capsys):
    """The sweep extends a loss's rates along the ladder while its best rate is the grid's
    largest or smallest; the loss study then trains at the extended best rate (runs faked:
    each loss's validation NME is least at a known rate). A partial report leaves the README."""
    import json
    import math
    import sys

    import numpy as np
    reproduce = load_reproduce()
    best = {'l2': 3e-2, 'l1': 1e-3, 'smoothl1': 1e-4, 'wing': 1e-3, 'rwing': 1e-3}
    trained = []

    def fake_run_once(config, work_dir, options, num_epochs):
        result_file = osp.join(work_dir, 'result.json')
        if osp.exists(result_file):  # a finished run, as run_once reuses it
            with open(result_file) as f:
                return json.load(f)
        loss = osp.basename(config).split('_')[1]
        rates = [float(o.split('=')[1]) for o in options if o.startswith('optim_wrapper.')]
        rate = rates[-1] if rates else reproduce.config_rate(config)
        split = 'val' if any(o.endswith('_val.json') for o in options) else 'test'
        trained.append((loss, rate, split))
        nme = 10 + abs(math.log10(rate / best[loss]))
        result = dict(checkpoint=work_dir, minutes=1., metrics={
            'NME_inter_ocular': nme, 'yaw_45_90/NME_inter_ocular': nme,
            'NME_inter_pupil': nme, 'FR@0.08_inter_ocular': 50., 'AUC@0.08_inter_ocular': 5.})
        os.makedirs(work_dir, exist_ok=True)
        with open(result_file, 'w') as f:
            json.dump(result, f)
        return result

    monkeypatch.setattr(reproduce, 'run_once', fake_run_once)
    monkeypatch.setattr(reproduce, 'per_image_nme', lambda work_dir: np.linspace(0, .2, 6))
    monkeypatch.setattr(reproduce, 'per_landmark_nme', lambda work_dir: np.full(68, .1))
    monkeypatch.setattr(reproduce, 'NUM_VAL', 5)
    monkeypatch.chdir(ROOT)  # main() moves there; undone after the test
    readme = tmp_path / 'README.md'
    readme.write_text('<!-- results: generated by tools/reproduce.py, do not edit -->\n'
                      '<!-- end of results -->\n')
    command = ['reproduce.py', '--studies', 'loss', '--seeds', '0', '--data',
               str(tmp_path / 'data'), '--num-train', '20', '--num-test', '6', '--work-dir',
               str(tmp_path / 'runs'), '--out', str(tmp_path / 'docs'), '--readme', str(readme)]
    monkeypatch.setattr(sys, 'argv', command)
    reproduce.main()

    grid = [(loss, rate, 'val') for loss in best for rate in (3e-4, 1e-3, 3e-3)]
    assert trained[:15] == grid
    # L2 (best 0.03) goes up the ladder to 0.1, smooth L1 (best 1e-4) down to 3e-5
    assert trained[15:20] == [('l2', 1e-2, 'val'), ('smoothl1', 1e-4, 'val'),
                              ('l2', 3e-2, 'val'), ('smoothl1', 3e-5, 'val'),
                              ('l2', 1e-1, 'val')]
    assert trained[20:] == [(loss, rate, 'test') for loss, rate in best.items()]
    text = (tmp_path / 'docs' / 'results.md').read_text()
    assert ('| loss | lr 3e-05 | lr 0.0001 | lr 0.0003 | lr 0.001 | lr 0.003 | lr 0.01 | '
            'lr 0.03 | lr 0.1 |') in text
    sweep_row = '| L2 | n/a | n/a | 12.00 | 11.48 | 11.00 | 10.48 | **10.00** | 10.52 |'
    assert sweep_row in text
    # the README block: the studies' table, the sweep and where the losses differ (test set)
    block = readme.read_text()
    assert '| loss | L2 | 10.00 | 10.00 | 50.00 | 5.00 |' in block and sweep_row in block
    assert ('on the test set: the share of faces in each band of NME io, and the NME io of '
            'each landmark group.\n\n| method | < 2 % | 2-5 % | 5-8 % | >= 8 % | NME jaw |') \
        in block
    # each study's configs, with the rates as run; the options every run shares said once
    assert text.count('; every run with `train_dataloader.dataset.ann_file=annotations/'
                      'synthface_68_fit.json') == 1
    assert ('`configs/synthface/cnn6_l2_synthface.py` with `optim_wrapper.optimizer.lr=0.03`, '
            '`configs/synthface/cnn6_l1_synthface.py`, ') in text
    assert '{best_lr}' not in text
    # a single method keeps its options
    single = reproduce.Method('L2', 'configs/a.py', ('optim_wrapper.optimizer.lr=0.03', ))
    assert reproduce.configs_line([single]) == \
        'Configs: `configs/a.py` with `optim_wrapper.optimizer.lr=0.03`'

    # --report-only with an extension unfinished: the loss study waits for its rates
    next((tmp_path / 'runs').glob('cnn6_l2_synthface/*-fit-lr0.1/seed0/result.json')).unlink()
    monkeypatch.setattr(sys, 'argv', command + ['--report-only', '--out',
                                                str(tmp_path / 'partial')])
    trained.clear()
    summary = readme.read_text()
    capsys.readouterr()
    reproduce.main()
    assert trained == []  # nothing trained
    # the sweep's unfinished run and the five loss runs waiting for their rates
    printed = capsys.readouterr().out
    assert f'{readme}: results block left as it was (6 runs not finished)' in printed
    assert 'results.md written (19 runs reported, 6 not finished;' in printed
    # the README keeps the finished run's results; the partial report goes to --out only
    assert readme.read_text() == summary and '| loss | L2 |' in summary
    text = (tmp_path / 'partial' / 'results.md').read_text()
    assert 'lr_sweep: L2, lr 0.1, seed 0; loss: L2, seed 0 (its rate is not chosen' in text


def test_header_sums_each_run_once_per_device():
    reproduce = load_reproduce()
    old = dict(checkpoint='a', minutes=10.)  # trained before the device was recorded
    gpu = [dict(checkpoint=c, minutes=1.5, device='NVIDIA H100 80GB HBM3') for c in 'bc']
    here = dict(checkpoint='d', minutes=4., device='2 CPU cores')
    untimed = dict(checkpoint='e', device='NVIDIA H100 80GB HBM3')
    results = dict(loss={'Wing': [gpu[0], old], 'L2': [here]},
                   pdb={'Wing': [gpu[0], old], 'PDB': [gpu[1], untimed]})
    assert reproduce.run_minutes(results) == (
        '2 runs, 14 min on 2 CPU cores; 3 runs, 3 min on NVIDIA H100 80GB HBM3 over the 2 '
        'with a recorded duration')


def test_a_claim_is_decided_only_by_a_gap_beyond_the_spread_over_seeds():
    reproduce = load_reproduce()

    def runs(*nme):
        return [dict(metrics=dict(NME_inter_ocular=value)) for value in nme]

    # population std of (7.0, 7.2, 7.4): 0.163
    results = dict(loss={'Wing': runs(7.0, 7.2, 7.4), 'L2': runs(8.0, 8.2, 8.4),
                         'L1': runs(7.1, 7.3, 7.5), 'smooth L1': runs(6.0, 6.1, 6.2)})
    assert reproduce.verdicts(results, mean_shape_nme=20.) == [
        '- Wing beats L2 (Wing paper): **reproduced** (Wing 7.20 ± 0.16 vs L2 8.20 ± 0.16, '
        'NME io full; gap 1.00 > spread 0.16)',
        '- Wing beats L1 (Wing paper): **undecided** (Wing 7.20 ± 0.16 vs L1 7.30 ± 0.16, '
        'NME io full; gap 0.10 <= spread 0.16: the gap is within the spread over seeds)',
        '- Wing beats smooth L1 (Wing paper): **NOT reproduced** (Wing 7.20 ± 0.16 vs smooth L1 '
        '6.10 ± 0.08, NME io full; gap 1.10 > spread 0.16)']
    # a gap and a spread equal to two decimals are shown to three
    close = reproduce.verdicts(dict(loss={'Wing': runs(7.0, 7.624), 'L2': runs(7.625, 7.625)}),
                               mean_shape_nme=20.)
    assert '**reproduced**' in close[0] and 'gap 0.313 > spread 0.312)' in close[0]
    # neither method beats the mean shape: undecided whatever the gap
    assert all('**undecided**' in line and 'neither beats the mean shape in the box, 6.00' in line
               for line in reproduce.verdicts(results, mean_shape_nme=6.))
    one_seed = dict(loss={'Wing': runs(7.0), 'L2': runs(7.05)})
    assert reproduce.verdicts(one_seed, mean_shape_nme=20.) == [
        '- Wing beats L2 (Wing paper): **reproduced** (Wing 7.00 vs L2 7.05, NME io full; '
        'one seed, no spread to judge the gap by)']


def test_readme_block_gives_each_figure_with_its_spread_over_seeds(tmp_path):
    reproduce = load_reproduce()
    # population std of (8.0, 9.0): 0.5; of (40, 44): 2
    runs = [dict(metrics={'NME_inter_ocular': nme, 'yaw_45_90/NME_inter_ocular': 3 * nme,
                          'FR@0.08_inter_ocular': fr, 'AUC@0.08_inter_ocular': 10.})
            for nme, fr in ((8.0, 40.), (9.0, 44.))]
    block = reproduce.readme_summary(
        dict(pdb={'CNN6, Wing': runs}), 'header', ['- a claim'], None, None,
        str(tmp_path / 'docs'), str(tmp_path / 'README.md'))
    assert '| pdb | CNN6, Wing | 8.50 ± 0.50 | 25.50 ± 1.50 | 42.00 ± 2.00 | 10.00 ± 0.00 |' \
        in block
    # no loss study: neither its sweep, its differences nor its CED
    assert not any('learning rate' in line or 'losses differ' in line or 'ced_loss' in line
                   for line in block)
    assert block[-2] == 'Every table, CED plot and config: [docs/results.md](docs/results.md).'


def test_pdb_report_shows_the_balancing_of_the_pdb_config(tmp_path):
    """The report's PDB histogram is the one the PDB config's training set gets, with the
    pose component ``component='auto'`` chose (yaw: the first, negated by mirroring)."""
    from wingpose.datasets.synthetic import generate_synthetic_faces
    reproduce = load_reproduce()
    generate_synthetic_faces(str(tmp_path / 'data'), 60, 2, seed=0, image_size=64)
    summary = reproduce.plot_pdb(str(tmp_path / 'pdb.png'), reproduce.cnn6('wing_pdb'),
                                 str(tmp_path / 'data'))
    match = re.fullmatch(r'`configs/synthface/cnn6_wing_pdb_synthface.py`: 9 bins of '
                         r"\|projection on principal component 0\| of the aligned training "
                         r"shapes, chosen by `component='auto'`: its scores correlate "
                         r'(-[01]\.\d\d) with those of the mirrored shapes, the yaw axis; '
                         r'histogram before \[(.*)\], after \[(.*)\]', summary)
    assert match, summary
    assert float(match.group(1)) < -0.9
    before = [int(c) for c in match.group(2).split(', ')]
    after = [int(c) for c in match.group(3).split(', ')]
    assert sum(before) == 60 and sum(after) > 60
    assert (tmp_path / 'pdb.png').stat().st_size > 1000


def test_reproduce_refuses_a_readme_without_the_results_markers(tmp_path):
    readme = tmp_path / 'README.md'
    readme.write_text('# no markers\n')
    result = run_tool('tools/reproduce.py', '--quick', '--work-dir', str(tmp_path / 'runs'),
                      '--readme', str(readme), check=False)
    assert result.returncode != 0
    assert f'{readme}: expected one line' in result.stderr
    assert readme.read_text() == '# no markers\n' and not (tmp_path / 'runs').exists()


@pytest.mark.parametrize('studies, readme', [
    ([], 'README.md'), (['heatmap_hourglass'], None),
    (['lr_sweep', 'loss', 'pdb', 'architecture', 'heatmap_hourglass', 'heatmap'], 'README.md')])
def test_the_readme_block_is_written_only_by_a_run_of_the_default_studies(
        monkeypatch, studies, readme):
    """A run of some studies writes their report, never a README block of only those."""
    reproduce = load_reproduce()
    monkeypatch.setattr(sys, 'argv', ['reproduce.py']
                        + (['--studies', *studies] if studies else []))
    args = reproduce.parse_args()
    assert args.readme == (None if readme is None else osp.join(ROOT, readme))
