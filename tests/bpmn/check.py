"""Checks compiled BPMN with two third-party tools and prints a JSON report.

For each NAME.bpmn (next to NAME.graph.json, our graph export of the same
diagram):

- schema: the OMG BPMN 2.0 XSDs shipped in SpiffWorkflow, validated with
  xmlschema (element order, ID uniqueness and IDREFs included);
- runs: SpiffWorkflow loads the process and runs it once per outcome of
  every decision. This script completes every task itself, one ready task at
  a time, setting a decision's outcome variable just before the gateway runs.
  It records which tasks ran, in which lane, in what order, and whether the
  run completed, got stuck (nothing ready, not completed) or ran too long.

Usage: python check.py FILE.bpmn...
"""

import json
import os
import re
import sys
import xml.etree.ElementTree as ET

import SpiffWorkflow
import xmlschema
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.parser import BpmnParser
from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnValidator
from SpiffWorkflow.util.task import TaskState

BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
XSD = os.path.join(os.path.dirname(SpiffWorkflow.__file__), "bpmn", "parser", "schema", "BPMN20.xsd")
CONDITION = re.compile(r'^(outcome_\w+|start) == (".*")$', re.S)
MAX_RUNS = 2000


def decisions(root):
    """Each exclusive split by its outcome variable: the gateway and its
    outcomes, default last."""
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
            values.append(json.loads(match.group(2)))
        # The default outcome: a value no condition matches.
        values.append("\u0000default")
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


def run(spec, choices, first_choice):
    """One run. `first_choice` maps a decision's variable to the outcome
    index of its first visit; later visits take the following outcomes in
    turn, so a loop is left after going round once per outcome."""
    workflow = BpmnWorkflow(spec)
    by_gateway = {gateway: (variable, values) for variable, (gateway, values) in choices.items()}
    visits = {}
    ran = []
    user_tasks = []
    lanes = {}
    for _ in range(MAX_RUNS):
        if workflow.is_completed():
            return {"result": "completed", "ran": ran, "user_tasks": user_tasks, "lanes": lanes}
        ready = workflow.get_tasks(state=TaskState.READY)
        if not ready:
            waiting = sorted({t.task_spec.name for t in workflow.get_tasks(state=TaskState.WAITING)})
            return {"result": "stuck", "ran": ran, "user_tasks": user_tasks, "lanes": lanes, "waiting": waiting}
        task = ready[0]
        name = task.task_spec.name
        if name in by_gateway:
            variable, values = by_gateway[name]
            visit = visits.get(variable, 0)
            visits[variable] = visit + 1
            task.data[variable] = values[(first_choice.get(variable, len(values) - 1) + visit) % len(values)]
        task.run()
        ran.append(name)
        if type(task.task_spec).__name__ == "UserTask":
            user_tasks.append(name)
        lane = getattr(task.task_spec, "lane", None)
        if lane is not None:
            lanes[name] = lane
    return {"result": "too long", "ran": ran[-50:], "user_tasks": user_tasks, "lanes": lanes}


def check(path, schema):
    report = {"file": path, "schema": [], "runs": [], "error": None}
    report["schema"] = [f"{e.reason} at {e.path}" for e in schema.iter_errors(path)][:10]
    try:
        root = ET.parse(path).getroot()
        process_id = root.find(BPMN + "process").get("id")
        parser = BpmnParser(validator=BpmnValidator())
        parser.add_bpmn_file(path)
        spec = parser.get_spec(process_id)
        choices = decisions(root)
        report["joins"] = parallel_joins(root)
        scenarios = [{}]
        for variable, (_, values) in sorted(choices.items()):
            scenarios.extend({variable: index} for index in range(len(values)))
        report["decisions"] = {variable: values for variable, (_, values) in choices.items()}
        for scenario in scenarios:
            outcome = run(spec, choices, scenario)
            outcome["first"] = scenario
            outcome["scenario"] = {v: choices[v][1][i] for v, i in scenario.items()}
            report["runs"].append(outcome)
    except Exception as error:  # report, never hide: the test fails on it
        report["error"] = f"{type(error).__name__}: {error}"
    return report


if __name__ == "__main__":
    schema = xmlschema.XMLSchema(XSD)
    print(json.dumps([check(path, schema) for path in sys.argv[1:]], indent=1))
