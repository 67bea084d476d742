"""tools/reproduce.py --quick: every study end to end on a tiny synthetic set."""
import re

from ..utils import run_tool


def test_reproduce_quick(tmp_path):
    out = tmp_path / 'docs'
    result = run_tool('tools/reproduce.py', '--quick', '--work-dir', str(tmp_path / 'runs'),
                      '--out', str(out))
    assert 'results.md written (22 runs' in result.stdout
    text = (out / 'results.md').read_text()
    assert re.search(r'Produced by `python tools/reproduce.py --quick .*` at commit `[0-9a-f]{40}`',
                     text)
    for study in ('loss', 'pdb', 'architecture', 'heatmap', 'wing_vs_l1'):
        assert (out / f'ced_{study}.png').stat().st_size > 1000
    assert text.count('| method | NME io (full) |') == 5
    assert '| AWing + map + STAR |' in text and '## The papers\' claims, checked' in text
    # a variant of a config runs in its own work dir, with its options in the report
    assert (tmp_path / 'runs' / 'cnn6_wing_synthface' / '1ep-w5-eps1' / 'seed0' /
            'result.json').exists()
    assert '`configs/synthface/cnn6_wing_synthface.py` with `model.head.loss.w=5.' in text
    assert (out / 'pdb_histogram.png').stat().st_size > 1000
    # resumable: a second run reuses every finished run
    again = run_tool('tools/reproduce.py', '--quick', '--work-dir', str(tmp_path / 'runs'),
                     '--out', str(out))
    assert '(22 runs, 0.0 min)' in again.stdout
