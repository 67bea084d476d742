"""The reproduction's statistics: the rate sweep's choices and extensions, mean and spread
over seeds, and the papers' claims decided by them."""
from typing import Dict, List

import numpy as np

from .studies import CNN7, LOSSES, RATE_LADDER, TWO_STAGE, Method, sweep_method, sweep_name


def rate_scores(sweep: Dict[str, List[dict]], loss: str) -> Dict[float, float]:
    """The swept rates of ``loss`` and their validation NME io (mean over their runs)."""
    return {rate: np.mean([r['metrics']['NME_inter_ocular'] for r in sweep[sweep_name(loss, rate)]])
            for rate in RATE_LADDER if sweep_name(loss, rate) in sweep}


def best_rates(sweep: Dict[str, List[dict]]) -> Dict[str, float]:
    """Per loss, the swept rate with the lowest validation NME io (mean over its runs)."""
    best = {}
    for loss, _ in LOSSES:
        scores = rate_scores(sweep, loss)
        if not scores:
            raise RuntimeError(f'the learning-rate sweep has no run of {loss}')
        best[loss] = min(scores, key=scores.get)
    return best


def sweep_extensions(sweep: Dict[str, List[dict]]) -> List[Method]:
    """The sweep's next runs: for each loss swept at two rates or more whose best rate is the
    largest (smallest) of its grid, the next rate up (down) RATE_LADDER, while there is one."""
    extra = []
    for loss, _ in LOSSES:
        scores = rate_scores(sweep, loss)
        if len(scores) < 2:
            continue
        best = min(scores, key=scores.get)
        step = 1 if best == max(scores) else -1 if best == min(scores) else 0
        index = RATE_LADDER.index(best) + step
        if step and 0 <= index < len(RATE_LADDER):
            extra.append(sweep_method(loss, RATE_LADDER[index]))
    return extra


def sweep_unfinished(missing: List[str]) -> bool:
    """Whether --report-only found sweep runs unfinished (no rate can be chosen yet)."""
    return any(m.startswith('lr_sweep:') for m in missing)


def metric(metrics: dict, subset: str, key: str) -> float:
    """A figure of the full set or a subset; NaN when the test set has no such subset."""
    return metrics.get(key if subset == 'full' else f'{subset}/{key}', float('nan'))


def spread_of(values: np.ndarray) -> str:
    """``mean ± std`` over seeds (the mean alone for one seed), as in the tables."""
    return f'{values.mean():.2f} ± {values.std():.2f}' if len(values) > 1 \
        else f'{values.mean():.2f}'


def nme_of(results: Dict[str, List[dict]], method: str, subset: str = 'full') -> np.ndarray:
    """NME inter-ocular of each seed of a method."""
    return np.array([metric(r['metrics'], subset, 'NME_inter_ocular') for r in results[method]])


def verdicts(all_results: Dict[str, Dict[str, List[dict]]],
             mean_shape_nme: float = float('nan')) -> List[str]:
    """The papers' claims, checked against the measured NME inter-ocular, mean ± std over seeds.

    A claim is decided only when the gap between the means exceeds the larger of the two
    stds over seeds; a smaller gap, or a claim whose better method does not beat the
    mean-shape baseline (``mean_shape_nme``: neither method has learned the landmarks at that
    budget), is undecided. With a single seed the sign decides and the line says so.
    """
    checks = []

    def claim(study, text, better, worse, subset='full', words=('reproduced', 'NOT reproduced')):
        r = all_results.get(study, {})
        if better not in r or worse not in r:
            return
        b, w = nme_of(r, better, subset), nme_of(r, worse, subset)
        if np.isnan(np.concatenate([b, w])).any():
            checks.append(f'- {text}: not measured (no {subset} faces in the test set)')
            return
        gap, spread = w.mean() - b.mean(), max(b.std(), w.std())
        verdict = words[0] if gap > 0 else words[1]
        if min(len(b), len(w)) == 1:
            reason = 'one seed, no spread to judge the gap by'
        else:
            # more decimals where two would show the gap and the spread equal
            digits = next((d for d in range(2, 5) if f'{abs(gap):.{d}f}' != f'{spread:.{d}f}'),
                          5)
            reason = (f'gap {abs(gap):.{digits}f} {">" if abs(gap) > spread else "<="} spread '
                      f'{spread:.{digits}f}')
            if abs(gap) <= spread:
                verdict = 'undecided'
                reason += ': the gap is within the spread over seeds'
        if subset == 'full' and min(b.mean(), w.mean()) >= mean_shape_nme:
            verdict = 'undecided'
            reason = f'neither beats the mean shape in the box, {mean_shape_nme:.2f}'
        checks.append(f'- {text}: **{verdict}** ({better} {spread_of(b)} vs {worse} '
                      f'{spread_of(w)}, NME io {subset}; {reason})')

    claim('loss', 'Wing beats L2 (Wing paper)', 'Wing', 'L2')
    claim('loss', 'Wing beats L1 (Wing paper)', 'Wing', 'L1')
    claim('loss', 'Wing beats smooth L1 (Wing paper)', 'Wing', 'smooth L1')
    claim('pdb', 'PDB improves large poses (Wing paper)', 'CNN6, Wing + PDB', 'CNN6, Wing',
          'yaw_45_90')
    claim('pdb', 'PDB improves the full set (Wing paper)', 'CNN6, Wing + PDB', 'CNN6, Wing')
    claim('pdb', 'PDB improves large poses, at the iterations of the plain run',
          'CNN6, Wing + PDB, same iterations', 'CNN6, Wing', 'yaw_45_90')
    claim('pdb', 'PDB improves the full set, at the iterations of the plain run',
          'CNN6, Wing + PDB, same iterations', 'CNN6, Wing')
    claim('architecture', 'CNN7 beats CNN6 (Wing paper)', CNN7, 'CNN6')
    claim('architecture', 'the two-stage model beats CNN6 (Wing paper)', TWO_STAGE, 'CNN6')
    claim('heatmap', 'AWing beats MSE (AWing paper)', 'AWing', 'MSE')
    claim('heatmap', 'the weighted loss map helps AWing (AWing paper)', 'AWing + map', 'AWing')
    claim('heatmap', 'STAR helps AWing + map (STAR paper)', 'AWing + map + STAR', 'AWing + map')
    claim('heatmap_hourglass', 'AWing beats MSE on STAR\'s network (AWing paper)',
          'STAR hourglass, AWing', 'STAR hourglass, MSE')
    claim('heatmap_hourglass', 'the weighted loss map helps AWing on STAR\'s network (AWing '
          'paper)', 'STAR hourglass, AWing + map', 'STAR hourglass, AWing')
    claim('heatmap_hourglass', 'STAR helps AWing + map on STAR\'s own network (STAR paper)',
          'STAR hourglass, AWing + map + STAR', 'STAR hourglass, AWing + map')
    for wing, l1 in (('Wing (w=5, eps=1)', 'L1'), ('Wing (w=20, eps=4)', 'L1'),
                     ('Wing, lr 3e-4', 'L1, lr 3e-4'), ('Wing, 60 epochs', 'L1, 60 epochs')):
        claim('wing_vs_l1', f'investigation: {wing} beats {l1}', wing, l1,
              words=('yes', 'no'))
    claim('cnn7_vs_cnn6', 'investigation: CNN7 beats CNN6 at 60 epochs', f'{CNN7}, 60 epochs',
          'CNN6, 60 epochs', words=('yes', 'no'))
    for better, worse in (('AWing', 'MSE'), ('AWing + map', 'AWing'),
                          ('AWing + map + STAR', 'AWing + map')):
        claim('heatmap_8ep', f'investigation: {better} beats {worse} at 8 epochs',
              f'{better}, 8 epochs', f'{worse}, 8 epochs', words=('yes', 'no'))
    return checks
