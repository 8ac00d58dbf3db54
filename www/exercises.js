import { call } from './engine-client.js';
import { $, button, el } from './dom.js';
import { docs, editorHooks, input, setInput } from './editor.js';
import { loadText } from './files.js';
import { inline } from './markdown.js';

// Exercises: scenarios with a story, a task and goals the engine judges after each check,
// with hints one at a time and progress kept in this browser.

const PROGRESS_KEY = 'gkecheck.exercises.v1';
// The exercise under way: {scenario, json, hints, shown}, or null.
let exercise = null;

function progress() {
  try {
    return JSON.parse(localStorage.getItem(PROGRESS_KEY)) ?? {};
  } catch {
    return {};
  }
}

async function listExercises() {
  const index = JSON.parse(await loadText('scenarios/index.json'));
  const done = progress();
  const items = await Promise.all(index.scenarios.map(async (file) => {
    const json = await loadText(`scenarios/${file}`);
    const scenario = JSON.parse(json);
    const item = el('li');
    item.dataset.exercise = scenario.id;
    item.append(button('', scenario.title, () => startExercise(scenario, json)), ` ${scenario.level ? `(${scenario.level})` : ''}`);
    if (done[scenario.id]) {
      item.dataset.done = 'true';
      item.append(el('strong', 'done', ' ✓ done'));
    }
    return item;
  }));
  $('exercise-list').replaceChildren(...items);
}

function startExercise(scenario, json) {
  exercise = { scenario, json, hints: [], shown: 0 };
  $('exercise-title').textContent = scenario.title;
  $('exercise-story').replaceChildren(inline(scenario.story));
  $('exercise-task').replaceChildren(inline(scenario.task));
  $('exercise-hints').replaceChildren();
  $('exercise-goals').replaceChildren();
  $('exercise-done').textContent = '';
  $('exercise-message').textContent = '';
  $('exercise').hidden = false;
  setInput(scenario.input, scenario.format || 'auto');
  input.focus();
}

function leaveExercise() {
  exercise = null;
  $('exercise').hidden = true;
  // The status line and results of the exercise's view give way to the whole report.
  editorHooks.changed();
}

/** Whether an exercise is open. */
export function exerciseActive() {
  return Boolean(exercise);
}

/**
 * During an exercise, the results of the rules it is about: its `rules`, or the rules its goals
 * name. The other rules' findings would bury the lesson. Without an exercise, the report.
 */
export function exerciseView(report) {
  if (!exercise) return report;
  const { scenario } = exercise;
  const named = scenario.rules?.length ? scenario.rules : scenario.goals.filter((g) => g.rule).map((g) => g.rule);
  if (!named.length) return report;
  const shown = new Set(named.map((r) => r.toUpperCase()));
  const results = report.results.filter((r) => shown.has(r.rule) || shown.has(r.name.toUpperCase()));
  const count = (status) => results.filter((r) => r.status === status).length;
  const summary = { ...report.summary, fail: count('fail'), pass: count('pass'), unknown: count('unknown'), suppressed: count('suppressed') };
  return { ...report, results, summary, hidden: report.results.length - results.length };
}

/** Judges the text against the exercise's goals after each check. */
export async function updateExercise() {
  if (!exercise || docs.list.length !== 1) return;
  const state = JSON.parse(await call('exercise', exercise.json, docs.list[0].text));
  if (!exercise) return;
  exercise.hints = state.hints;
  $('exercise-goals').replaceChildren(...state.goals.map((goal) => {
    const item = el('li', '', `${goal.met ? 'Met' : 'Not yet'}: `);
    item.append(inline(goal.says));
    item.dataset.met = String(goal.met);
    return item;
  }));
  if (state.done) {
    $('exercise-done').textContent = 'Exercise complete: every goal is met.';
    const done = progress();
    if (!done[exercise.scenario.id]) {
      done[exercise.scenario.id] = new Date().toISOString();
      try {
        localStorage.setItem(PROGRESS_KEY, JSON.stringify(done));
      } catch { /* storage may be off: the exercise still counts for this visit */ }
      listExercises().catch(() => {});
    }
  } else {
    $('exercise-done').textContent = state.error ? `The text cannot be read yet (${state.error}).` : '';
  }
}

async function openScenarioFile(file) {
  const json = await file.text();
  const state = JSON.parse(await call('exercise', json, ''));
  if (state.scenarioError) {
    $('exercise-message').textContent = `${file.name} is not a gkecheck scenario: ${state.scenarioError}`;
    return;
  }
  startExercise(JSON.parse(json), json);
}

$('exercises-button').addEventListener('click', () => {
  const panel = $('exercises');
  panel.hidden = !panel.hidden;
  $('exercises-button').setAttribute('aria-expanded', String(!panel.hidden));
  if (!panel.hidden) {
    listExercises().catch((e) => { $('exercise-message').textContent = `The exercises could not be loaded: ${e.message}`; });
  }
});
$('exercise-open').addEventListener('click', () => $('exercise-file').click());
$('exercise-file').addEventListener('change', (event) => {
  const [file] = event.target.files;
  if (file) openScenarioFile(file).catch((e) => { $('exercise-message').textContent = e.message; }).finally(() => { event.target.value = ''; });
});
$('exercise-hint').addEventListener('click', () => {
  if (!exercise) return;
  if (exercise.shown >= exercise.hints.length) {
    $('exercise-done').textContent = 'No more hints: the rules\' docs say the rest.';
    return;
  }
  const hint = el('li');
  hint.append(inline(exercise.hints[exercise.shown]));
  $('exercise-hints').append(hint);
  exercise.shown += 1;
});
$('exercise-reset').addEventListener('click', () => exercise && startExercise(exercise.scenario, exercise.json));
$('exercise-leave').addEventListener('click', leaveExercise);
