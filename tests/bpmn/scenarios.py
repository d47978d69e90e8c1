"""What every engine driver (check.py for SpiffWorkflow, camunda.py for
camunda-python) reads off a compiled BPMN file before running it: the
decisions with their outcomes, the parallel joins with the elements their
flows come from, and the runs to make.

A run is one choice of first outcome for one decision (later visits take
the following outcomes in turn, so a loop is left after going round once
per outcome) and one order of completing ready tasks: the first ready task
each time, or the last.
"""

import json
import re

BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"

# The one test a compiled condition makes, in each engine's language:
# Python `v == "x"`, JUEL `${v == "x"}`, FEEL `=v = "x"`, and bpmn-engine's
# JavaScript `next(null, environment.variables.v === "x");`.
CONDITION = re.compile(
    r'^(?:\$\{|=|next\(null, environment\.variables\.)?(outcome_\w+|start) (?:===|==|=) (".*")(?:\}|\);)?$',
    re.S,
)
ORDERS = ("first", "last")
DEFAULT = "\u0000default"


def outcome_value(text):
    """The compared string: a JSON literal in Python and JavaScript, and
    close enough in JUEL (only quote and backslash escaped) and FEEL."""
    return json.loads(text.replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t"))


def decisions(root):
    """Each exclusive split by its outcome variable: the gateway and its
    outcomes, with a value no condition matches (the default) last."""
    flows = {f.get("id"): f for f in root.iter(BPMN + "sequenceFlow")}
    found = {}
    for gateway in root.iter(BPMN + "exclusiveGateway"):
        outgoing = [o.text for o in gateway.findall(BPMN + "outgoing")]
        if len(outgoing) < 2:
            continue
        variable, values = None, []
        for flow_id in outgoing:
            expression = flows[flow_id].find(BPMN + "conditionExpression")
            if expression is None:
                continue
            match = CONDITION.match(expression.text or "")
            if not match:
                raise ValueError(f"condition not understood: {expression.text!r}")
            variable = match.group(1)
            values.append(outcome_value(match.group(2)))
        values.append(DEFAULT)
        if variable is not None:
            found[variable] = (gateway.get("id"), values)
    return found


def parallel_joins(root):
    """Each parallel join: the elements its incoming flows come from."""
    flows = {f.get("id"): f for f in root.iter(BPMN + "sequenceFlow")}
    joins = {}
    for gateway in root.iter(BPMN + "parallelGateway"):
        incoming = [i.text for i in gateway.findall(BPMN + "incoming")]
        if len(incoming) > 1:
            joins[gateway.get("id")] = [flows[i].get("sourceRef") for i in incoming]
    return joins


def runs(choices):
    """(first outcome per decision, order) for every run to make."""
    firsts = [{}]
    for variable, (_, values) in sorted(choices.items()):
        firsts.extend({variable: index} for index in range(len(values)))
    return [(first, order) for first in firsts for order in ORDERS]


class Chooser:
    """Hands out a decision's outcome at each visit of its gateway."""

    def __init__(self, choices, first):
        self.by_gateway = {gateway: (variable, values) for variable, (gateway, values) in choices.items()}
        self.first = first
        self.visits = {}

    def choose(self, gateway):
        """(variable, value) for this visit, or None for another element."""
        if gateway not in self.by_gateway:
            return None
        variable, values = self.by_gateway[gateway]
        visit = self.visits.get(variable, 0)
        self.visits[variable] = visit + 1
        return variable, values[(self.first.get(variable, len(values) - 1) + visit) % len(values)]


def scenario(choices, first):
    return {variable: choices[variable][1][index] for variable, index in first.items()}


def run_all(report, root, run_one):
    """Fills `report` with the file's joins, decisions and one entry per
    run, `run_one(choices, first, order)` making each run."""
    choices = decisions(root)
    report["joins"] = parallel_joins(root)
    report["decisions"] = {variable: values for variable, (_, values) in choices.items()}
    for first, order in runs(choices):
        outcome = run_one(choices, first, order)
        outcome["first"] = first
        outcome["order"] = order
        outcome["scenario"] = scenario(choices, first)
        report["runs"].append(outcome)
