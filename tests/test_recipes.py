"""The paper configs against configs/recipes.yml, and docs/recipes.md generated from it."""
import copy
import glob
import os.path as osp

import pytest
import yaml

from .utils import ROOT, load_tool

# the development-time checker: tools/analysis/recipes.py
recipes_tool = load_tool('tools/analysis/recipes.py')
check_recipes, load_recipes = recipes_tool.check_recipes, recipes_tool.load_recipes
recipes_markdown, resolve = recipes_tool.recipes_markdown, recipes_tool.resolve

RECIPES_FILE = osp.join(ROOT, 'configs', 'recipes.yml')
RECIPES = load_recipes(RECIPES_FILE)
CONFIGS = osp.join(ROOT, 'configs')


def test_every_paper_config_resolves_to_its_recipe():
    assert check_recipes(RECIPES, CONFIGS) == []


def test_the_hourglass_and_headline_wing_configs_are_all_covered():
    listed = {c for recipe in RECIPES.values() for c in recipe['configs']}
    expected = {osp.relpath(p, CONFIGS) for pattern in ('star/stackedhg_*.py',
                                                        'awing/stackedhg_*.py',
                                                        'wing/cnn6-cnn7_pdb_*.py')
                for p in glob.glob(osp.join(CONFIGS, pattern))}
    assert len(expected) == 10 and listed == expected


def test_docs_page_is_generated_from_the_recipes():
    with open(osp.join(ROOT, 'docs', 'recipes.md')) as f:
        assert f.read() == recipes_markdown(RECIPES) + '\n', \
            'docs/recipes.md is stale: python tools/analysis/recipes.py --write'


def test_a_drifted_value_is_reported_with_its_config_and_key():
    drifted = copy.deepcopy(RECIPES)
    for item in drifted['star']['items']:
        if item['item'] == 'batch':
            item['wingpose'] = 32
    problems = check_recipes({'star': drifted['star']}, CONFIGS)
    assert problems == [f'star/stackedhg_star_{d}.py: batch: train_dataloader.batch_size is 128, '
                        'the recipe says 32' for d in ('wflw', '300w', 'cofw')]


def test_rates_compare_with_a_tolerance_but_types_do_not_mix():
    recipe = dict(title='t', configs=['wing/cnn6-cnn7_pdb_300w.py'], items=[
        dict(item='rate', paper='3e-5', key='optim_wrapper.optimizer.lr', wingpose=3e-5 * 136),
        dict(item='flip', paper='no', key='model.test_cfg.flip_test', wingpose=1)])
    assert check_recipes({'t': recipe}, CONFIGS) == [
        'wing/cnn6-cnn7_pdb_300w.py: flip: model.test_cfg.flip_test is True, the recipe says 1']


def test_a_deviation_without_reason_is_refused(tmp_path):
    bad = copy.deepcopy(RECIPES)
    bad['wing']['items'][2].pop('reason')
    path = tmp_path / 'recipes.yml'
    path.write_text(yaml.safe_dump(bad))
    with pytest.raises(ValueError, match="wing, item 'second-stage crop': a deviation needs a "
                                         'reason'):
        load_recipes(str(path))


def test_resolve_selects_list_elements_by_type():
    cfg = dict(pipeline=[dict(type='A', x=1), dict(type='B', x=2), dict(type='B', x=3)])
    assert resolve(cfg, 'pipeline[type=A].x') == 1
    assert resolve(cfg, 'pipeline[type=A].missing') is None
    with pytest.raises(KeyError, match="2 elements of pipeline have type 'B'"):
        resolve(cfg, 'pipeline[type=B].x')
