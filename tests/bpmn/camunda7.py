"""Runs compiled BPMN (`--engine camunda7`) in camunda-python, a Python
engine that implements Camunda 7's semantics, and prints a JSON report in
the shape check.py prints for SpiffWorkflow: for each file, one run per
decision outcome and order of completing ready tasks (scenarios.py), each
completed, stuck (no task open, instance not finished) or too long.

The driver completes every user task itself and sets a decision's outcome
variable as its gateway chooses (by wrapping the engine's choice function,
the one place it evaluates conditions). It records every activity the
engine opens, in order.

Where camunda-python falls short of Camunda 7, the driver says so in the
report's `patched` list instead of failing silently or hiding it:

- a none intermediate throw event (a circle in the middle of a flow) is
  rejected by camunda-python 0.1.2 ("only message/signal throw"); Camunda 7
  passes a token straight through it, and so does this driver.

Usage: python camunda7.py FILE.bpmn...
"""

import json
import os
import sys
import time
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from scenarios import BPMN, Chooser, run_all  # noqa: E402

import camunda.engine.process_engine as engine_module  # noqa: E402
from camunda.engine import ProcessEngine  # noqa: E402
from camunda.model.bpmn import IntermediateThrowEvent  # noqa: E402
from camunda.parser import parse_bpmn_xml  # noqa: E402

MAX_STEPS = 300
# A process without an end (a ring) runs until one of these stops it.
MAX_SECONDS = 2.0

original_choice = engine_module.select_exclusive_gateway_flow
original_dispatch = ProcessEngine._dispatch_node
original_open = ProcessEngine._open_activity


class Run:
    """The run in progress: whose choices the gateways take and what ran."""

    chooser = None
    ran = []
    patched = set()


def choose(node, flows, variables):
    chosen = Run.chooser.choose(node.id) if Run.chooser else None
    if chosen is not None:
        variables[chosen[0]] = chosen[1]
    return original_choice(node, flows, variables)


def dispatch(self, pi, token, node):
    if isinstance(node, IntermediateThrowEvent) and node.message_name is None and node.signal_name is None:
        Run.patched.add(f"none intermediate throw event `{node.id}` passed through")
        self._open_activity(pi, token, node)
        self._close_activity(pi, token, node)
        arrivals = []
        self._leave(pi, token, node, arrivals)
        return arrivals
    return original_dispatch(self, pi, token, node)


def open_activity(self, pi, token, node):
    Run.ran.append(node.id)
    return original_open(self, pi, token, node)


engine_module.select_exclusive_gateway_flow = choose
ProcessEngine._dispatch_node = dispatch
ProcessEngine._open_activity = open_activity


def run(xml, key, choices, first, order):
    Run.chooser = Chooser(choices, first)
    Run.ran = []
    engine = ProcessEngine()
    engine.deploy(parse_bpmn_xml(xml))
    instance = engine.start_process_instance_by_key(key, {})
    user_tasks = []
    deadline = time.monotonic() + MAX_SECONDS
    for _ in range(MAX_STEPS):
        if time.monotonic() > deadline:
            break
        if engine.get_process_instance(instance.id).is_completed:
            return {"result": "completed", "ran": Run.ran, "user_tasks": user_tasks}
        tasks = engine.create_task_query(process_instance_id=instance.id)
        if not tasks:
            current = engine.get_process_instance(instance.id)
            waiting = sorted(
                {e.activity_id for e in current.executions.values() if e.activity_id and e.state.name == "ACTIVE"}
            )
            return {"result": "stuck", "ran": Run.ran, "user_tasks": user_tasks, "waiting": waiting}
        task = tasks[0] if order == "first" else tasks[-1]
        user_tasks.append(task.task_definition_key)
        engine.complete_task(task.id, {})
    return {"result": "too long", "ran": Run.ran[-50:], "user_tasks": user_tasks}


def check(path):
    report = {"file": path, "runs": [], "error": None, "patched": []}
    Run.patched = set()
    try:
        with open(path, encoding="utf-8") as file:
            xml = file.read()
        root = ET.fromstring(xml.encode("utf-8"))
        key = root.find(BPMN + "process").get("id")
        run_all(report, root, lambda choices, first, order: run(xml, key, choices, first, order))
    except Exception as error:  # report, never hide: the test fails on it
        report["error"] = f"{type(error).__name__}: {error}"
    report["patched"] = sorted(Run.patched)
    return report


if __name__ == "__main__":
    print(json.dumps([check(path) for path in sys.argv[1:]], indent=1))
