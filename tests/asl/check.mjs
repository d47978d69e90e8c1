// Checks compiled Amazon States Language definitions with third-party tools:
// asl-validator (schema and graph checks), then aws-local-stepfunctions (a
// local executor) runs each definition once per decision outcome.
//
// Usage: node tests/asl/check.mjs NODE_TOOLS_DIR FILE...
// Prints one JSON line per file; exits 1 if any file has a problem.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

const [tools, ...files] = process.argv.slice(2);
const require = createRequire(path.join(path.resolve(tools), 'package.json'));
const aslValidator = require('asl-validator');
const { StateMachine } = require('aws-local-stepfunctions');

// A run that enters more states than this is a loop fed an outcome that
// keeps it going: it is stopped and must show a state entered twice.
const MOST_STATES = 400;

// Visits every state with the names of the Parallel states around it.
function walk(states, visit, enclosing = []) {
  for (const [name, state] of Object.entries(states)) {
    visit(name, state, enclosing);
    if (state.Type === 'Parallel') {
      for (const branch of state.Branches) walk(branch.States, visit, [...enclosing, name]);
    }
  }
}

async function run(definition, input) {
  const machine = new StateMachine(definition);
  const execution = machine.run(input, { noThrowOnAbort: true });
  const events = [];
  let entered = 0;
  let stopped = false;
  for await (const event of execution.eventLogs) {
    events.push(event);
    if (event.type === 'StateEntered' && ++entered > MOST_STATES && !stopped) {
      stopped = true;
      execution.abort();
    }
  }
  let failed = null;
  try {
    await execution.result;
  } catch (error) {
    failed = String(error);
  }
  const succeeded = !stopped && !failed && events.some((e) => e.type === 'ExecutionSucceeded');
  return { events, stopped, failed, succeeded };
}

let allGood = true;
for (const file of files) {
  const definition = JSON.parse(fs.readFileSync(file, 'utf8'));
  const problems = [];
  const { isValid, errorsText } = aslValidator(definition);
  if (!isValid) problems.push(`asl-validator: ${errorsText('; ')}`);

  // What the definition says: each Choice's outcomes, each Parallel's
  // branch states and what follows it.
  const choices = new Map();
  const branchStates = new Map();
  const after = new Map();
  const label = (rule) => rule.StringEquals ?? (rule.And ?? []).find((r) => 'StringEquals' in r)?.StringEquals;
  walk(definition.States, (name, state, enclosing) => {
    if (state.Type === 'Choice') {
      choices.set(name, state.Choices.filter((c) => label(c) !== undefined).map((c) => [label(c), c.Next]));
    }
    if (state.Type === 'Parallel') after.set(name, state.Next);
    else if (enclosing.length) branchStates.set(name, enclosing);
  });
  const outcomes = new Set();
  for (const list of choices.values()) for (const [label] of list) outcomes.add(label);

  const runs = [];
  if (isValid) {
    for (const outcome of [...outcomes, null]) {
      const input = outcome === null ? {} : { outcome };
      const result = await run(definition, input);
      runs.push({ outcome, succeeded: result.succeeded, stopped: result.stopped, states: result.events.filter((e) => e.type === 'StateEntered').length });
      if (result.failed && !result.stopped) problems.push(`outcome ${JSON.stringify(outcome)}: execution failed: ${result.failed}`);
      const entered = result.events.filter((e) => e.type === 'StateEntered').map((e) => e.state.name);
      if (result.stopped && new Set(entered).size === entered.length) {
        problems.push(`outcome ${JSON.stringify(outcome)}: stopped without repeating a state`);
      }
      // A decision given one of its labels takes that outcome.
      for (const [decision, list] of choices) {
        const target = list.find(([label]) => label === outcome)?.[1];
        const at = entered.indexOf(decision);
        if (target && at >= 0 && !entered.slice(at + 1).includes(target)) {
          problems.push(`outcome ${JSON.stringify(outcome)}: ${decision} did not lead to ${target}`);
        }
      }
      // A Parallel's next state starts only when none of its branch states runs.
      const open = new Map();
      for (const event of result.events) {
        const name = event.state?.name;
        if (event.type === 'StateEntered') {
          for (const [parallel, next] of after) {
            if (next === name && (open.get(parallel) ?? 0) > 0) {
              problems.push(`${name} started while branches of ${parallel} were still running`);
            }
          }
          for (const parent of branchStates.get(name) ?? []) open.set(parent, (open.get(parent) ?? 0) + 1);
        }
        if (event.type === 'StateExited') {
          for (const parent of branchStates.get(name) ?? []) open.set(parent, (open.get(parent) ?? 0) - 1);
        }
      }
    }
    if (!runs.some((r) => r.succeeded)) problems.push('no run reached a successful end');
  }
  if (problems.length) allGood = false;
  console.log(JSON.stringify({ file: path.basename(file), valid: isValid, runs, problems }));
}
process.exit(allGood ? 0 : 1);
