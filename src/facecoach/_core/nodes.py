"""Size a composed YAML tree as if every alias were expanded, without expanding it."""

from __future__ import annotations

import yaml

__all__ = ["MAX_NODES", "expanded_size"]

MAX_NODES = 50_000
"""More nodes than any real file has; reached only by alias expansion."""


def expanded_size(root: yaml.Node) -> int:
    """Node count with every alias expanded, computed without expanding.

    Aliases share node objects, so sizes are memoised per object; the stack
    is explicit so deep nesting cannot exhaust Python's recursion limit.
    """
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if key in sizes:
            continue
        children: list[yaml.Node] = []
        if isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        elif isinstance(node, yaml.MappingNode):
            children = [part for pair in node.value for part in pair]
        if not children_done:
            if key in open_nodes:  # reached again below itself: a recursive alias
                return MAX_NODES + 1
            open_nodes.add(key)
        else:
            open_nodes.discard(key)
            total = 1 + sum(sizes.get(id(child), 0) for child in children)
            sizes[key] = min(total, MAX_NODES + 1)
            continue
        stack.append((node, True))
        stack.extend((child, False) for child in children if id(child) not in sizes)
    return sizes[id(root)]
