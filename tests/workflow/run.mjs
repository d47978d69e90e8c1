// Runs compiled SimWorkflow definitions the way the engine's documentation
// describes them, evaluating every Decision condition as JavaScript over `$`
// (the previous task's output), and prints which Simple tasks ran.
//
// Usage: node tests/workflow/run.mjs JOBS.json
// JOBS.json: [{ "file": "x.json", "decisions": { key: [value, …] }, "runs": [{ key: index, … }, …] }]
//
// Workers: every Simple task reports, under each decision key, the value
// that decision's next visit takes: visit v of a decision first given index
// i takes values[(i + v) % n] (the last value is the default, matched by no
// condition), so a loop is left after going round once per outcome. This is
// the same schedule tests/bpmn/check.py gives SpiffWorkflow.
import fs from 'node:fs';

const MOST_STEPS = 2000;

class Stopped extends Error {}

function runDefinition(definition, decisions, first) {
  const visits = {};
  const ran = [];
  let steps = 0;
  let terminated = false;
  const keyOf = (task) => {
    for (const choice of task.choices) {
      const match = /(outcome_\w+|start)\b/.exec(choice.condition);
      if (match) return match[1];
    }
    return null;
  };
  const valueFor = (key) => {
    const values = decisions[key] ?? [];
    const start = first[key] ?? values.length - 1;
    return values[(start + (visits[key] ?? 0)) % values.length];
  };
  const report = () => Object.fromEntries(Object.keys(decisions).map((key) => [key, valueFor(key)]));

  // Runs one scope from its start with `input`; returns its output.
  function scope(tasks, startName, input) {
    let name = startName;
    let data = input;
    for (;;) {
      if (terminated) return data;
      if (++steps > MOST_STEPS) throw new Stopped('too many steps');
      const task = tasks[name];
      if (!task) throw new Error(`no task ${JSON.stringify(name)} in its scope`);
      let next;
      switch (task.type) {
        case 'Simple':
          ran.push(name);
          data = report();
          next = task.nextTask;
          break;
        case 'JQ':
          if (task.filter !== '.') throw new Error(`unexpected filter ${task.filter}`);
          // The documented JQ output: the first result and all results.
          data = { result: data, resultList: [data] };
          next = task.nextTask;
          break;
        case 'Decision': {
          const key = keyOf(task);
          const $ = data;
          const taken = task.choices.find((choice) => new Function('$', `return (${choice.condition});`)($));
          next = taken ? taken.nextTask : task.defaultTask;
          if (key) visits[key] = (visits[key] ?? 0) + 1;
          break;
        }
        case 'Parallel': {
          // Branches one after another: what runs does not depend on it.
          const output = {};
          for (const branch of task.branches) {
            output[branch.startTask] = scope(branch.tasks, branch.startTask, data);
          }
          data = output;
          next = task.nextTask;
          break;
        }
        case 'Terminate':
          terminated = true;
          return data;
        default:
          throw new Error(`unexpected task type ${task.type}`);
      }
      if (task.end === true) return data;
      name = next;
    }
  }

  try {
    // The caller reports outcomes in the workflow input, as a task would.
    scope(definition.tasks, definition.startTask, report());
    return { result: 'completed', ran };
  } catch (error) {
    if (error instanceof Stopped) return { result: 'too long', ran: ran.slice(-50) };
    return { result: 'failed', error: String(error), ran };
  }
}

const jobs = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const out = jobs.map((job) => {
  const definition = JSON.parse(fs.readFileSync(job.file, 'utf8'));
  return { file: job.file, runs: job.runs.map((first) => runDefinition(definition, job.decisions, first)) };
});
console.log(JSON.stringify(out));
