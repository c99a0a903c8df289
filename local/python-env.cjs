/**
 * The Python tools the project needs, and where they come from: moto (the local AWS emulator; its
 * server is patched in local/moto_server.py, written against moto 5.2) and cfn-lint (the infra tests).
 * A machine that has them (python3 -m moto, cfn-lint on the PATH) uses them; otherwise `npm ci` puts
 * them in a project-local virtual environment, `.venv/`, pinned below. Plain CommonJS, no
 * dependencies: it runs as `postinstall` (`node local/python-env.cjs`), before anything else is known to work.
 */
const { execFileSync } = require('node:child_process');
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const ROOT = join(__dirname, '..');
const VENV = join(ROOT, '.venv');
/** What the project-local environment installs: the versions the emulator patches and tests were written for. */
const PINNED = ['moto[server]==5.2.1', 'cfn-lint==1.*'];
/** moto releases the patches in local/moto_server.py were written for. */
const MOTO_SERIES = /^5\.2\./;

const bin = (venv, name) => join(venv, process.platform === 'win32' ? 'Scripts' : 'bin', name);

/** What the machine has, probed once: each question answered by running it. */
function probe(run = tryRun, venv = VENV) {
  const python = process.env.PYTHON || 'python3';
  const version = (py) => run(py, ['-c', 'import moto, moto.server; print(moto.__version__)']);
  return {
    python: run(python, ['--version']) !== null ? python : null,
    systemMoto: version(python),
    venvPython: existsSync(bin(venv, 'python')) ? bin(venv, 'python') : null,
    venvMoto: existsSync(bin(venv, 'python')) ? version(bin(venv, 'python')) : null,
    systemCfnLint: run('cfn-lint', ['--version']) !== null,
    venvCfnLint: existsSync(bin(venv, 'cfn-lint')),
  };
}

/**
 * What to do, from what the machine has (pure: the unit test drives every branch): nothing, install
 * into `.venv/` (which packages), or say what is missing and how to get it.
 */
function plan(found) {
  const motoOk = (v) => v !== null && MOTO_SERIES.test(v);
  const needMoto = !motoOk(found.systemMoto) && !motoOk(found.venvMoto);
  const needLint = !found.systemCfnLint && !found.venvCfnLint;
  if (!needMoto && !needLint) return { action: 'nothing' };
  if (!found.python) {
    return {
      action: 'explain',
      message:
        'Python 3 was not found (set PYTHON to its path if it has another name). Local mode needs it for moto, the AWS emulator; install Python 3.9+ and run npm ci again.',
    };
  }
  return {
    action: 'install',
    packages: PINNED.filter((p) => (p.startsWith('moto') ? needMoto : needLint)),
    reason: [
      needMoto
        ? found.systemMoto
          ? `moto ${found.systemMoto} is not the 5.2 series`
          : 'moto is not installed'
        : '',
      needLint ? 'cfn-lint is not installed' : '',
    ]
      .filter(Boolean)
      .join('; '),
  };
}

/** The Python that runs moto: the project's environment when it has moto, else the machine's. */
function pythonForMoto(found = probe()) {
  if (found.venvMoto && MOTO_SERIES.test(found.venvMoto)) return found.venvPython;
  return found.python ?? 'python3';
}

function tryRun(cmd, args) {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

function main() {
  if (process.env.MULTIDOC_SKIP_PYTHON_SETUP) return;
  const found = probe();
  const step = plan(found);
  if (step.action === 'nothing') {
    console.log(
      `python tools: moto ${found.venvMoto ?? found.systemMoto} and cfn-lint found${found.venvPython ? ' (.venv)' : ''}`,
    );
    return;
  }
  if (step.action === 'explain') {
    console.warn(`python tools: ${step.message}`);
    return;
  }
  console.log(`python tools: ${step.reason}; installing ${step.packages.join(', ')} into .venv/`);
  try {
    if (!found.venvPython) execFileSync(found.python, ['-m', 'venv', VENV], { stdio: 'inherit' });
    execFileSync(bin(VENV, 'python'), ['-m', 'pip', 'install', '--quiet', ...step.packages], {
      stdio: 'inherit',
    });
  } catch {
    // npm ci itself succeeds: the Node side is complete, and what is missing is said plainly.
    console.warn(
      `python tools: could not install ${step.packages.join(', ')} (no package index?). Install them yourself: python3 -m pip install ${step.packages.map((p) => `'${p}'`).join(' ')}`,
    );
  }
}

/** cfn-lint: the project's environment's when it has one, else the machine's. */
function cfnLint(venv = VENV) {
  return existsSync(bin(venv, 'cfn-lint')) ? bin(venv, 'cfn-lint') : 'cfn-lint';
}

module.exports = { VENV, PINNED, MOTO_SERIES, probe, plan, pythonForMoto, cfnLint };

if (require.main === module) main();
