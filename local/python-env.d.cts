/** Types of local/python-env.cjs (plain CommonJS: it runs as npm's postinstall). */
export interface Found {
  python: string | null;
  systemMoto: string | null;
  venvPython: string | null;
  venvMoto: string | null;
  systemCfnLint: boolean;
  venvCfnLint: boolean;
}
export type Plan =
  | { action: 'nothing' }
  | { action: 'explain'; message: string }
  | { action: 'install'; packages: string[]; reason: string };
export declare const VENV: string;
export declare const PINNED: string[];
export declare const MOTO_SERIES: RegExp;
export declare function probe(run?: (cmd: string, args: string[]) => string | null, venv?: string): Found;
export declare function plan(found: Found): Plan;
export declare function pythonForMoto(found?: Found): string;
export declare function cfnLint(venv?: string): string;
