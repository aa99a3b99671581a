import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { LOOPBACK, waitFor } from './servers';

/**
 * Real database servers for the database add-ons' live tests, from the Debian packages `postgresql`,
 * `mariadb-server` and `redis-server` (.ci/run installs them): each listens on 127.0.0.1 only, on a port the test
 * picks, keeps its data in the test's temporary directory, waits for readiness with a bounded loop, and is stopped by
 * the test (and killed when the test process exits, whatever happened). When the tests run as root, PostgreSQL and
 * MariaDB run as the packages' `postgres` and `mysql` users (PostgreSQL refuses root).
 */

const INSTALL = 'apt-get install -y postgresql mariadb-server redis-server (Debian 12; see .ci/run)';

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const p of running) p.kill('SIGKILL');
});

function need(path: string | undefined, what: string): string {
  if (!path || !existsSync(path)) throw new Error(`${what} is not installed${path ? ` at ${path}` : ''}: the database add-on tests run the real server. Install it: ${INSTALL}.`);
  return path;
}

/** The newest PostgreSQL server's bin directory (/usr/lib/postgresql/<major>/bin). */
function postgresBin(): string {
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root) ? readdirSync(root).filter((d) => existsSync(join(root, d, 'bin', 'postgres'))).sort((a, b) => Number(b) - Number(a)) : [];
  return need(majors.length > 0 ? join(root, majors[0], 'bin') : undefined, 'PostgreSQL (postgres, initdb)');
}

/** uid/gid of a system user from /etc/passwd, when the tests run as root (else undefined: run as ourselves). */
function runAs(user: string): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`${user}:`));
  if (!line) throw new Error(`the system user ${user} is missing (the ${user === 'postgres' ? 'postgresql' : 'mariadb-server'} package creates it): ${INSTALL}`);
  const f = line.split(':');
  return { uid: Number(f[2]), gid: Number(f[3]) };
}

function run(cmd: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv; user?: { uid: number; gid: number }; input?: string } = {}): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 60_000, env: options.env ?? process.env, uid: options.user?.uid, gid: options.user?.gid, input: options.input });
  if (r.error) throw new Error(`${cmd}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}:\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

export interface DbServer {
  readonly port: number;
  log(): string;
  /** Stops the server (bounded) and waits for it to exit. */
  stop(): Promise<void>;
}

function startProcess(cmd: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv; user?: { uid: number; gid: number }; stopSignal?: NodeJS.Signals } = {}): {
  proc: ChildProcess;
  log: () => string;
  stop: () => Promise<void>;
} {
  const proc = spawn(cmd, args, { env: options.env ?? process.env, uid: options.user?.uid, gid: options.user?.gid, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(proc);
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  proc.on('error', (e) => (out += `could not start ${cmd}: ${e.message}`));
  proc.on('exit', () => running.delete(proc));
  const stop = () =>
    new Promise<void>((resolve) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
      const timer = setTimeout(() => proc.kill('SIGKILL'), 15_000);
      proc.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      proc.kill(options.stopSignal ?? 'SIGTERM');
    });
  return { proc, log: () => out, stop };
}

function tcpOpen(port: number): Promise<true | undefined> {
  return new Promise((resolve) => {
    const s = connect({ host: LOOPBACK, port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(undefined));
  });
}

// ---------------------------------------------------------------------------------------------------------------
// PostgreSQL

export interface Postgres extends DbServer {
  /** Runs SQL as the superuser `postgres` (psql, -v ON_ERROR_STOP=1) and returns its output. */
  psql(sql: string, database?: string): string;
  /** An open psql session (to hold a transaction open); `end()` quits it. */
  session(database?: string): { send(sql: string): void; end(): Promise<void> };
}

export const POSTGRES_SUPERUSER_PASSWORD = 'postgres-test-superuser';

/** initdb into `dir` and start `postgres` on 127.0.0.1:`port` with `settings` (`-c name=value`). */
export async function startPostgres(dir: string, port: number, settings: Readonly<Record<string, string>> = {}): Promise<Postgres> {
  const bin = postgresBin();
  const user = runAs('postgres');
  const data = join(dir, 'pgdata');
  const pwfile = join(dir, 'pg-superuser-password');
  writeFileSync(pwfile, POSTGRES_SUPERUSER_PASSWORD, { mode: 0o600 });
  if (user) {
    chownSync(dir, user.uid, user.gid);
    chownSync(pwfile, user.uid, user.gid);
  }
  run(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=scram-sha-256', `--pwfile=${pwfile}`, '--no-sync'], { user });
  const args = ['-D', data, '-c', `listen_addresses=${LOOPBACK}`, '-c', `port=${port}`, '-c', `unix_socket_directories=${dir}`, '-c', 'fsync=off'];
  for (const [k, v] of Object.entries(settings)) args.push('-c', `${k}=${v}`);
  // SIGINT is PostgreSQL's "fast" shutdown: SIGTERM would wait for every client, the exporter's included.
  const p = startProcess(join(bin, 'postgres'), args, { user, stopSignal: 'SIGINT' });
  const env = { ...process.env, PGPASSWORD: POSTGRES_SUPERUSER_PASSWORD };
  const psqlArgs = (database: string) => ['-h', LOOPBACK, '-p', String(port), '-U', 'postgres', '-d', database, '-X', '-q', '-t', '-A', '-v', 'ON_ERROR_STOP=1'];
  const psqlPath = need('/usr/bin/psql', 'psql (postgresql-client)');
  await waitFor('PostgreSQL to accept connections', async () => {
    const r = spawnSync(psqlPath, [...psqlArgs('postgres'), '-c', 'SELECT 1'], { encoding: 'utf8', env, timeout: 10_000 });
    return r.status === 0 ? true : undefined;
  }, 30_000, p.log);
  return {
    port,
    log: p.log,
    stop: p.stop,
    psql: (sql, database = 'postgres') => run(psqlPath, [...psqlArgs(database), '-c', sql], { env }),
    session: (database = 'postgres') => {
      // No ON_ERROR_STOP: a session goes on after an error (the deadlock victim's), as an interactive client does.
      const s = spawn(psqlPath, psqlArgs(database).filter((a) => a !== '-v' && a !== 'ON_ERROR_STOP=1'), { env, stdio: ['pipe', 'pipe', 'pipe'] });
      running.add(s);
      s.on('exit', () => running.delete(s));
      // A write after psql exited is the test's problem to report, not an unhandled EPIPE that aborts the suite.
      s.stdin!.on('error', () => undefined);
      return {
        send: (sql) => {
          if (s.exitCode !== null || !s.stdin!.writable) throw new Error(`the psql session has exited (${s.exitCode}): cannot send ${sql}`);
          s.stdin!.write(`${sql}\n`);
        },
        end: () =>
          new Promise<void>((resolve) => {
            if (s.exitCode !== null) return resolve();
            const timer = setTimeout(() => s.kill('SIGKILL'), 10_000);
            s.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            if (s.stdin!.writable) s.stdin!.end('\\q\n');
            else s.kill('SIGTERM');
          }),
      };
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// MariaDB

export interface Mariadb extends DbServer {
  /** Runs SQL as root over the server's socket and returns its output. */
  sql(sql: string): string;
}

/** mariadb-install-db into `<dir>/<name>` and start `mariadbd` on 127.0.0.1:`port`. */
export async function startMariadb(dir: string, name: string, port: number, extraArgs: readonly string[] = []): Promise<Mariadb> {
  const installDb = need('/usr/bin/mariadb-install-db', 'MariaDB (mariadb-install-db)');
  const mariadbd = need('/usr/sbin/mariadbd', 'MariaDB (mariadbd)');
  const client = need('/usr/bin/mariadb', 'the MariaDB client (mariadb)');
  const user = runAs('mysql');
  const data = join(dir, name);
  // The data directory holds the socket and pid file too: mariadbd (as mysql) must be able to create them.
  run(installDb, ['--no-defaults', `--datadir=${data}`, ...(user ? ['--user=mysql'] : []), '--auth-root-authentication-method=normal', '--skip-test-db'], {});
  const socket = join(data, 'mysqld.sock');
  const p = startProcess(mariadbd, [
    '--no-defaults',
    `--datadir=${data}`,
    ...(user ? ['--user=mysql'] : []),
    `--bind-address=${LOOPBACK}`,
    `--port=${port}`,
    `--socket=${socket}`,
    `--pid-file=${join(data, 'mysqld.pid')}`,
    '--innodb-buffer-pool-size=16M',
    '--skip-name-resolve',
    ...extraArgs,
  ]);
  const sql = (text: string) => run(client, ['--no-defaults', '-uroot', `--socket=${socket}`, '-N', '-B', '-e', text]);
  await waitFor('MariaDB to accept connections', async () => ((await tcpOpen(port)) && existsSync(socket) ? (sql('SELECT 1'), true) : undefined), 30_000, p.log);
  return { port, log: p.log, stop: p.stop, sql };
}

// ---------------------------------------------------------------------------------------------------------------
// Redis

export interface Redis extends DbServer {
  /** Runs a command with redis-cli (authenticated when the server has a password). */
  cli(...args: string[]): string;
}

/** Starts `redis-server` on 127.0.0.1:`port` without persistence, with `args` (`--requirepass`, `--maxmemory`, ...). */
export async function startRedis(dir: string, port: number, args: readonly string[] = [], password?: string): Promise<Redis> {
  const server = need('/usr/bin/redis-server', 'Redis (redis-server)');
  const cli = need('/usr/bin/redis-cli', 'redis-cli (redis-tools)');
  const p = startProcess(server, ['--port', String(port), '--bind', LOOPBACK, '--save', '', '--appendonly', 'no', '--dir', dir, ...(password ? ['--requirepass', password] : []), ...args]);
  const run1 = (...a: string[]) => run(cli, ['-h', LOOPBACK, '-p', String(port), ...(password ? ['--no-auth-warning', '-a', password] : []), ...a]);
  await waitFor('Redis to answer PING', async () => ((await tcpOpen(port)) && run1('PING').trim() === 'PONG' ? true : undefined), 20_000, p.log);
  return { port, log: p.log, stop: p.stop, cli: run1 };
}
