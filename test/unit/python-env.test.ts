/**
 * `npm ci` brings what local mode needs (local/python-env.cjs): moto and cfn-lint from the machine when
 * it has them, otherwise a project-local .venv. The build machines always have them (and no package
 * index), so the install branch is proven here, on its decisions, and by a fake `run`.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Found, plan, probe, pythonForMoto } from '../../local/python-env.cjs';

const none: Found = {
  python: 'python3',
  systemMoto: null,
  venvPython: null,
  venvMoto: null,
  systemCfnLint: false,
  venvCfnLint: false,
};

it('nothing to do when the machine has moto 5.2 and cfn-lint', () => {
  expect(plan({ ...none, systemMoto: '5.2.1', systemCfnLint: true })).toEqual({ action: 'nothing' });
  expect(plan({ ...none, venvMoto: '5.2.0', venvCfnLint: true })).toEqual({ action: 'nothing' });
});

it('installs only what is missing, pinned, into .venv', () => {
  expect(plan({ ...none, systemCfnLint: true })).toEqual({
    action: 'install',
    packages: ['moto[server]==5.2.1'],
    reason: 'moto is not installed',
  });
  expect(plan({ ...none, systemMoto: '5.2.1' })).toMatchObject({ packages: ['cfn-lint==1.*'] });
  // Another moto series: the emulator's patches were written for 5.2.
  expect(plan({ ...none, systemMoto: '4.2.14', systemCfnLint: true })).toEqual({
    action: 'install',
    packages: ['moto[server]==5.2.1'],
    reason: 'moto 4.2.14 is not the 5.2 series',
  });
});

it('says what to do when there is no Python at all', () => {
  expect(plan({ ...none, python: null })).toMatchObject({
    action: 'explain',
    message: expect.stringMatching(/Python 3 was not found.*PYTHON/),
  });
});

it('runs moto with the project environment when it has moto, else the machine’s Python', () => {
  expect(pythonForMoto({ ...none, venvPython: '/p/.venv/bin/python', venvMoto: '5.2.1' })).toBe(
    '/p/.venv/bin/python',
  );
  expect(pythonForMoto({ ...none, venvPython: '/p/.venv/bin/python', venvMoto: null })).toBe('python3');
});

it('probes by running the tools (a fake run and a fake .venv here)', () => {
  const venv = mkdtempSync(join(tmpdir(), 'venv-'));
  mkdirSync(join(venv, 'bin'));
  writeFileSync(join(venv, 'bin', 'python'), '');
  const answers: Record<string, string | null> = {
    'python3 --version': 'Python 3.11.7',
    'python3 -c': null,
    [`${join(venv, 'bin', 'python')} -c`]: '5.2.1',
    'cfn-lint --version': null,
  };
  const run = (cmd: string, args: string[]) => answers[`${cmd} ${args[0]}`] ?? null;
  expect(probe(run, venv)).toEqual({
    python: 'python3',
    systemMoto: null,
    venvPython: join(venv, 'bin', 'python'),
    venvMoto: '5.2.1',
    systemCfnLint: false,
    venvCfnLint: false,
  });
});
