// Runs compiled BPMN (`--engine bpmn-engine`) in bpmn-engine (npm) and prints
// a JSON report in the shape check.py prints for SpiffWorkflow: for each
// file, one run per decision outcome and order of completing waiting user
// tasks (as scenarios.py makes them), each completed, stuck (nothing
// waiting, not ended) or too long. The driver signals every user task
// itself and sets a decision's outcome variable as its gateway is entered;
// it records every activity the engine starts, in order.
// Usage: node bpmn_engine.mjs TOOLS_DIR FILE...
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { EventEmitter } from 'node:events';
import path from 'node:path';

const [toolsDir, ...files] = process.argv.slice(2);
const require = createRequire(path.resolve(toolsDir, 'node_modules', 'package.json'));
const { Engine } = await import(require.resolve('bpmn-engine'));
const { BpmnModdle } = await import(require.resolve('bpmn-moddle'));

const CONDITION =
  /^(?:\$\{|=|next\(null, environment\.variables\.)?(outcome_\w+|start) (?:===|==|=) (".*")(?:\}|\);)?$/s;
const DEFAULT = '\u0000default';
const ORDERS = ['first', 'last'];
const MAX_STEPS = 300;
// A process without an end (a ring) runs until one of these stops it.
const MAX_MILLISECONDS = 2000;

// The same decisions, joins and runs scenarios.py reads off a file.
function readProcess(definitions) {
  const process = definitions.rootElements.find((e) => e.$type === 'bpmn:Process');
  const choices = {};
  const joins = {};
  for (const element of process.flowElements) {
    if (element.$type === 'bpmn:ExclusiveGateway' && (element.outgoing || []).length > 1) {
      let variable = null;
      const values = [];
      for (const flow of element.outgoing) {
        const body = flow.conditionExpression?.body;
        if (body === undefined) continue;
        const match = CONDITION.exec(body);
        if (!match) throw new Error(`condition not understood: ${JSON.stringify(body)}`);
        variable = match[1];
        values.push(JSON.parse(match[2]));
      }
      values.push(DEFAULT);
      if (variable !== null) choices[variable] = [element.id, values];
    }
    if (element.$type === 'bpmn:ParallelGateway' && (element.incoming || []).length > 1) {
      joins[element.id] = element.incoming.map((flow) => flow.sourceRef.id);
    }
  }
  const firsts = [{}];
  for (const variable of Object.keys(choices).sort()) {
    choices[variable][1].forEach((_, index) => firsts.push({ [variable]: index }));
  }
  const runs = firsts.flatMap((first) => ORDERS.map((order) => [first, order]));
  return { process, choices, joins, runs };
}

async function run(xml, choices, first, order) {
  const byGateway = new Map(Object.entries(choices).map(([variable, [gateway, values]]) => [gateway, [variable, values]]));
  const visits = new Map();
  const ran = [];
  const userTasks = [];
  const waiting = [];
  const listener = new EventEmitter();
  listener.on('activity.enter', (api) => {
    const choice = byGateway.get(api.id);
    if (!choice) return;
    const [variable, values] = choice;
    const visit = visits.get(variable) ?? 0;
    visits.set(variable, visit + 1);
    api.environment.variables[variable] = values[((first[variable] ?? values.length - 1) + visit) % values.length];
  });
  listener.on('activity.start', (api) => ran.push(api.id));
  listener.on('activity.wait', (api) => {
    if (api.type === 'bpmn:UserTask') waiting.push(api);
  });
  let ended = false;
  let failure = null;
  const engine = new Engine({ name: 'check', source: xml });
  engine.on('end', () => {
    ended = true;
  });
  engine.on('error', (error) => {
    failure = error;
  });
  const execution = await engine.execute({ listener, variables: {} });
  const deadline = Date.now() + MAX_MILLISECONDS;
  for (let step = 0; step < MAX_STEPS && Date.now() < deadline; step++) {
    // Let the engine settle whatever the last signal started.
    await new Promise((resolve) => setImmediate(resolve));
    if (failure) throw failure;
    if (ended) return { result: 'completed', ran, user_tasks: userTasks };
    if (waiting.length === 0) {
      const status = execution.getPostponed();
      return { result: 'stuck', ran, user_tasks: userTasks, waiting: status.map((api) => api.id).sort() };
    }
    const task = order === 'first' ? waiting.shift() : waiting.pop();
    userTasks.push(task.id);
    task.signal();
  }
  await engine.stop();
  return { result: 'too long', ran: ran.slice(-50), user_tasks: userTasks };
}

const results = [];
for (const file of files) {
  const report = { file, runs: [], error: null };
  try {
    const xml = readFileSync(file, 'utf8');
    const { rootElement } = await new BpmnModdle().fromXML(xml, 'bpmn:Definitions');
    const { choices, joins, runs } = readProcess(rootElement);
    report.joins = joins;
    report.decisions = Object.fromEntries(Object.entries(choices).map(([v, [, values]]) => [v, values]));
    for (const [first, order] of runs) {
      const outcome = await run(xml, choices, first, order);
      outcome.first = first;
      outcome.order = order;
      outcome.scenario = Object.fromEntries(Object.entries(first).map(([v, i]) => [v, choices[v][1][i]]));
      report.runs.push(outcome);
    }
  } catch (error) {
    report.error = `${error?.name ?? 'Error'}: ${error?.message ?? error}`;
  }
  results.push(report);
}
console.log(JSON.stringify(results, null, 1));
