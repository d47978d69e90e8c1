// Checks compiled Amazon States Language definitions with third-party tools:
// asl-validator (schema, graph, ARN and path checks), then
// aws-local-stepfunctions (a local executor) runs each definition once per
// outcome of every decision, with every Task state mocked.
//
// Usage: node tests/asl/check.mjs NODE_TOOLS_DIR FILE...
// Prints one JSON line per file; exits 1 if any file has a problem.
//
// The mocks follow the outcome contract of docs/semantics.md: a task's
// result reports, under each decision's key (`outcome_<id>`, `start`), the
// outcome the decision after it takes. A run names, for each key, the index
// of its first outcome; the k-th call of a task reports the (first + k)-th
// outcome, wrapping round (the last "outcome" is one no choice matches: the
// default), so a retry loop goes round and then ends.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';

// aws-local-stepfunctions runs Task states with Promise.withResolvers, which
// Node.js has from version 22 on; this is the standard function for Node 20.
if (typeof Promise.withResolvers !== 'function') {
  Promise.withResolvers = function withResolvers() {
    let resolve;
    let reject;
    const promise = new Promise((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}

const [tools, ...files] = process.argv.slice(2);
const require = createRequire(path.join(path.resolve(tools), 'package.json'));
const aslValidator = require('asl-validator');
const { StateMachine } = require('aws-local-stepfunctions');

// A run that enters more states than this is stopped: a loop fed outcomes
// that keep it going must show a state entered twice.
const MOST_STATES = 400;
const DEFAULT = '\u0000default';

function walk(states, visit, enclosing = []) {
  for (const [name, state] of Object.entries(states)) {
    visit(name, state, enclosing);
    if (state.Type === 'Parallel') {
      for (const branch of state.Branches) walk(branch.States, visit, [...enclosing, name]);
    }
  }
}

// Every (key, value) a choice rule tests, however nested.
function tests(rule, found = []) {
  if (rule.StringEquals !== undefined) {
    found.push([rule.Variable.replace(/^\$(\[\d+\])?\./, ''), rule.StringEquals]);
  }
  for (const inner of [...(rule.And ?? []), ...(rule.Or ?? [])]) tests(inner, found);
  return found;
}

async function run(definition, tasks, decisions, first) {
  const calls = {};
  const report = (count) =>
    Object.fromEntries(
      Object.entries(decisions).map(([key, values]) => [key, values[((first[key] ?? values.length - 1) + count) % values.length]]),
    );
  const handlers = Object.fromEntries(
    tasks.map((name) => [
      name,
      (input) => {
        const count = calls[name] ?? 0;
        calls[name] = count + 1;
        return report(count);
      },
    ]),
  );
  const machine = new StateMachine(definition, { validationOptions: { checkArn: true, checkPaths: true } });
  const execution = machine.run(report(0), { noThrowOnAbort: true, overrides: { taskResourceLocalHandlers: handlers } });
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
  const { isValid, errorsText } = aslValidator(definition, { checkArn: true, checkPaths: true });
  if (!isValid) problems.push(`asl-validator: ${errorsText('; ')}`);

  // What the definition says: each Choice's key and outcomes, its Task
  // states, each Parallel's branch states and what follows it.
  const decisions = {};
  const choices = new Map();
  const tasks = [];
  const branchStates = new Map();
  const after = new Map();
  walk(definition.States, (name, state, enclosing) => {
    if (state.Type === 'Choice') {
      const outcomes = state.Choices.map((choice) => [tests(choice), choice.Next]);
      const key = outcomes[0]?.[0]?.[0]?.[0];
      if (key !== undefined) {
        decisions[key] = [...outcomes.map(([found]) => found[0][1]), DEFAULT];
        choices.set(name, { key, outcomes: outcomes.map(([found, next]) => [found[0][1], next]), otherwise: state.Default });
      }
    }
    if (state.Type === 'Task') tasks.push(name);
    if (state.Type === 'Parallel') after.set(name, state.Next);
    else if (enclosing.length) branchStates.set(name, enclosing);
  });

  const scenarios = [{}];
  for (const [key, values] of Object.entries(decisions)) {
    for (let index = 0; index < values.length; index++) scenarios.push({ [key]: index });
  }
  const runs = [];
  if (isValid) {
    for (const first of scenarios) {
      const result = await run(definition, tasks, decisions, first);
      const entered = result.events.filter((e) => e.type === 'StateEntered').map((e) => e.state.name);
      runs.push({ first, succeeded: result.succeeded, stopped: result.stopped, entered: entered.slice(0, 60) });
      if (result.failed && !result.stopped) problems.push(`run ${JSON.stringify(first)}: execution failed: ${result.failed}`);
      if (result.stopped && new Set(entered).size === entered.length) {
        problems.push(`run ${JSON.stringify(first)}: stopped without repeating a state`);
      }
      // On its first visit a decision takes the outcome its input carries:
      // what the last task before it reported (after a loop, that task's
      // later call), or else what the run gave it.
      for (const [decision, { key, outcomes, otherwise }] of choices) {
        const at = entered.indexOf(decision);
        if (at < 0) continue;
        const values = decisions[key];
        const arrival = result.events.find((e) => e.type === 'StateEntered' && e.state?.name === decision);
        const carried = arrival?.state?.input?.[key];
        const value = carried ?? values[(first[key] ?? values.length - 1) % values.length];
        const target = outcomes.find(([label]) => label === value)?.[1] ?? otherwise;
        if (!entered.slice(at + 1).includes(target)) {
          problems.push(`run ${JSON.stringify(first)}: ${decision} did not lead to ${target}`);
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
