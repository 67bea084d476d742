"""Check the paper configs against configs/recipes.yml, or write docs/recipes.md from it.

    python tools/analysis/recipes.py            # check: list every config value that differs
    python tools/analysis/recipes.py --write    # regenerate docs/recipes.md

``configs/recipes.yml`` is the one machine-readable record: per paper, its configs and items;
an item gives the value in the paper or the official code (``paper``, ``source``), the config
key and the value wingpose's config must resolve to (``key``, ``wingpose``), and a ``reason``
wherever the two differ (``deviation: true``). :func:`check_recipes` resolves every config
and lists what disagrees (``tests/test_recipes.py`` runs it); :func:`recipes_markdown`
renders ``docs/recipes.md``.

Keys are dotted config paths; ``name[type=X]`` picks the element of a list whose ``type`` is
``X``. A key that the config leaves unset resolves to None (the default applies).
"""
import argparse
import os.path as osp
import re
import sys
from typing import Any, Dict, List

import yaml
from mmengine.config import Config

from wingpose.utils import configs_root

_SELECTOR = re.compile(r'^(\w+)\[type=([\w.]+)\]$')
_MISSING = object()


def load_recipes(path: str) -> Dict[str, dict]:
    """The recipes file, checked for the fields every item needs."""
    with open(path) as f:
        recipes = yaml.safe_load(f)
    for paper, recipe in recipes.items():
        for field in ('title', 'configs', 'items'):
            if field not in recipe:
                raise ValueError(f'{path}: {paper} has no {field!r}')
        for item in recipe['items']:
            where = f"{path}: {paper}, item {item.get('item')!r}"
            values = [item] + list(item.get('per_config', {}).values())
            for value in values:
                for field in ('paper', 'wingpose'):
                    if field not in value and field not in item:
                        raise ValueError(f'{where}: no {field!r}')
                if (value.get('deviation', item.get('deviation')) and
                        not value.get('reason', item.get('reason'))):
                    raise ValueError(f'{where}: a deviation needs a reason')
            unknown = set(item.get('per_config', {})) - set(recipe['configs'])
            if unknown:
                raise ValueError(f'{where}: per_config names configs not listed: '
                                 f'{sorted(unknown)}')
    return recipes


def resolve(cfg: Any, key: str) -> Any:
    """The value at a dotted ``key`` (with ``name[type=X]`` selectors), None if unset."""
    value = cfg
    for part in key.split('.'):
        match = _SELECTOR.match(part)
        name = match[1] if match else part
        value = value.get(name, _MISSING) if hasattr(value, 'get') else _MISSING
        if value is _MISSING:
            return None
        if match:
            chosen = [v for v in value if hasattr(v, 'get') and v.get('type') == match[2]]
            if len(chosen) != 1:
                raise KeyError(f'{key}: {len(chosen)} elements of {name} have type '
                               f'{match[2]!r} (expected one)')
            value = chosen[0]
    return value


def _plain(value: Any) -> Any:
    """Config values (ConfigDict, tuples) as YAML gives them (dicts, lists)."""
    if hasattr(value, 'items'):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _equal(actual: Any, expected: Any) -> bool:
    """Equality with a relative tolerance of 1e-9 on numbers (rates such as 3e-5 x 2L)."""
    if isinstance(actual, dict) and isinstance(expected, dict):
        return actual.keys() == expected.keys() and all(
            _equal(actual[k], expected[k]) for k in actual)
    if isinstance(actual, list) and isinstance(expected, list):
        return len(actual) == len(expected) and all(map(_equal, actual, expected))
    if isinstance(actual, float) and isinstance(expected, (int, float)) and \
            not isinstance(expected, bool):
        return abs(actual - expected) <= 1e-9 * max(1., abs(expected))
    if isinstance(actual, bool) or isinstance(expected, bool):
        return actual is expected  # True is not the number 1 in a recipe
    return actual == expected


def item_for(item: dict, config: str) -> dict:
    """The item with its ``per_config`` entry for ``config`` applied."""
    merged = {k: v for k, v in item.items() if k != 'per_config'}
    merged.update(item.get('per_config', {}).get(config, {}))
    return merged


def check_recipes(recipes: Dict[str, dict], configs_root: str) -> List[str]:
    """Every item whose config value differs from its recorded ``wingpose`` value."""
    problems = []
    for recipe in recipes.values():
        for config in recipe['configs']:
            cfg = Config.fromfile(osp.join(configs_root, config))
            for item in recipe['items']:
                item = item_for(item, config)
                if 'key' not in item:
                    continue
                try:
                    actual = _plain(resolve(cfg, item['key']))
                except KeyError as error:
                    problems.append(f'{config}: {item["item"]}: {error}')
                    continue
                expected = item['wingpose']
                if not _equal(actual, expected):
                    problems.append(f'{config}: {item["item"]}: {item["key"]} is {actual!r}, '
                                    f'the recipe says {expected!r}')
    return problems


def _cell(value: Any) -> str:
    return str(value).replace('|', '\\|').replace('\n', ' ')


def recipes_markdown(recipes: Dict[str, dict]) -> str:
    """``docs/recipes.md``: per paper and config, item | paper | wingpose | reason."""
    lines = ['# Recipes: each paper config against its paper and official code', '',
             'Generated from `configs/recipes.yml` by `python tools/analysis/recipes.py '
             '--write`; `tests/test_recipes.py` resolves every config and compares it with '
             'the file, so a config cannot drift from this page silently. "Paper" gives the '
             'value in the paper or the official code and where it is; "wingpose" the '
             'config\'s value (and its key); a reason is given wherever they differ.', '']
    for recipe in recipes.values():
        lines += [f"## {recipe['title']}", '']
        if recipe.get('note'):
            lines += [recipe['note'].strip(), '']
        for config in recipe['configs']:
            lines += [f'### `configs/{config}`', '',
                      '| item | paper or official code | wingpose | reason for the difference |',
                      '|---|---|---|---|']
            for item in recipe['items']:
                item = item_for(item, config)
                paper = _cell(item['paper'])
                if item.get('source'):
                    paper += f" ({_cell(item['source'])})"
                shown = _cell(item.get('display', item['wingpose']))
                if 'key' in item:
                    shown += f" (`{item['key']}`)"
                reason = _cell(item.get('reason', '')) if item.get('deviation') else ''
                lines.append(f"| {_cell(item['item'])} | {paper} | {shown} | {reason} |")
            lines.append('')
    return '\n'.join(lines)


DOCS = osp.join(osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))), 'docs',
                'recipes.md')


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--recipes', default=osp.join(configs_root(), 'recipes.yml'))
    parser.add_argument('--write', action='store_true', help=f'write {DOCS}')
    args = parser.parse_args()
    recipes = load_recipes(args.recipes)
    if args.write:
        with open(DOCS, 'w') as f:
            f.write(recipes_markdown(recipes) + '\n')
        print(f'wrote {DOCS}')
        return
    problems = check_recipes(recipes, configs_root())
    for problem in problems:
        print(problem)
    count = sum(len(r['configs']) for r in recipes.values())
    print(f'{count} configs, {len(problems)} differences from {args.recipes}')
    sys.exit(1 if problems else 0)


if __name__ == '__main__':
    main()
