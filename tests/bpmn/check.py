"""Checks compiled BPMN with two third-party tools and prints a JSON report.

For each NAME.bpmn (next to NAME.graph.json, our graph export of the same
diagram):

- schema: the OMG BPMN 2.0 XSDs shipped in SpiffWorkflow, validated with
  xmlschema (element order, ID uniqueness and IDREFs included);
- runs: SpiffWorkflow loads the process and runs it once per outcome of
  every decision and per order of completing ready tasks (scenarios.py).
  This script completes every task itself, one ready task at a time,
  setting a decision's outcome variable just before the gateway runs.
  It records which tasks ran, in which lane, in what order, and whether the
  run completed, got stuck (nothing ready, not completed) or ran too long.

Usage: python check.py [--schema-only] FILE.bpmn...
"""

import json
import os
import sys
import time
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from scenarios import BPMN, Chooser, run_all  # noqa: E402

import SpiffWorkflow
import xmlschema
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.bpmn.parser import BpmnParser
from SpiffWorkflow.bpmn.parser.BpmnParser import BpmnValidator
from SpiffWorkflow.util.task import TaskState

XSD = os.path.join(os.path.dirname(SpiffWorkflow.__file__), "bpmn", "parser", "schema", "BPMN20.xsd")
MAX_RUNS = 300
# A process without an end (a ring) runs until one of these stops it.
MAX_SECONDS = 2.0


def run(spec, choices, first_choice, order):
    """One run (see scenarios.py)."""
    workflow = BpmnWorkflow(spec)
    chooser = Chooser(choices, first_choice)
    ran = []
    user_tasks = []
    lanes = {}
    deadline = time.monotonic() + MAX_SECONDS
    for _ in range(MAX_RUNS):
        if time.monotonic() > deadline:
            break
        if workflow.is_completed():
            return {"result": "completed", "ran": ran, "user_tasks": user_tasks, "lanes": lanes}
        ready = workflow.get_tasks(state=TaskState.READY)
        if not ready:
            waiting = sorted({t.task_spec.name for t in workflow.get_tasks(state=TaskState.WAITING)})
            return {"result": "stuck", "ran": ran, "user_tasks": user_tasks, "lanes": lanes, "waiting": waiting}
        task = ready[0] if order == "first" else ready[-1]
        name = task.task_spec.name
        chosen = chooser.choose(name)
        if chosen is not None:
            task.data[chosen[0]] = chosen[1]
        task.run()
        ran.append(name)
        if type(task.task_spec).__name__ == "UserTask":
            user_tasks.append(name)
        lane = getattr(task.task_spec, "lane", None)
        if lane is not None:
            lanes[name] = lane
    return {"result": "too long", "ran": ran[-50:], "user_tasks": user_tasks, "lanes": lanes}


def check(path, schema, schema_only):
    report = {"file": path, "schema": [], "runs": [], "error": None}
    report["schema"] = [f"{e.reason} at {e.path}" for e in schema.iter_errors(path)][:10]
    if schema_only:
        return report
    try:
        root = ET.parse(path).getroot()
        process_id = root.find(BPMN + "process").get("id")
        parser = BpmnParser(validator=BpmnValidator())
        parser.add_bpmn_file(path)
        spec = parser.get_spec(process_id)
        run_all(report, root, lambda choices, first, order: run(spec, choices, first, order))
    except Exception as error:  # report, never hide: the test fails on it
        report["error"] = f"{type(error).__name__}: {error}"
    return report


if __name__ == "__main__":
    schema = xmlschema.XMLSchema(XSD)
    arguments = sys.argv[1:]
    schema_only = bool(arguments) and arguments[0] == "--schema-only"
    paths = arguments[1:] if schema_only else arguments
    print(json.dumps([check(path, schema, schema_only) for path in paths], indent=1))
