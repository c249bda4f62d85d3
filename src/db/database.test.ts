import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { ADMIN_URL } from '../../test/helpers/db.js';
import { openDatabase, unixSocketOf } from './database.js';

describe('DATABASE_URL', () => {
  it("reads libpq's ?host=/directory as the server's Unix socket", () => {
    expect(unixSocketOf('postgres://pos@localhost/mostrador?host=/var/run/postgresql')).toEqual({
      url: 'postgres://pos@localhost/mostrador',
      path: '/var/run/postgresql/.s.PGSQL.5432',
    });
    expect(unixSocketOf('postgres://pos@localhost:5433/m?host=/tmp/&sslmode=disable')).toEqual({
      url: 'postgres://pos@localhost:5433/m?sslmode=disable',
      path: '/tmp/.s.PGSQL.5433',
    });
    // a host name in the query, or none: the URL as given
    expect(unixSocketOf('postgres://pos@db.local/m?host=otro')).toEqual({
      url: 'postgres://pos@db.local/m?host=otro',
    });
    expect(unixSocketOf('postgres://pos@127.0.0.1:5432/m')).toEqual({
      url: 'postgres://pos@127.0.0.1:5432/m',
    });
  });

  // The suite's PostgreSQL server runs on this machine (both projects have it), so its socket is
  // there to use.
  it('connects over the Unix socket when the URL names its directory', async () => {
    const tcp = await openDatabase({ url: ADMIN_URL, poolSize: 1 });
    let dir: string;
    try {
      const r = await sql<{ addr: string | null; dirs: string }>`
        select inet_server_addr()::text as addr, current_setting('unix_socket_directories') as dirs`.execute(
        tcp.db,
      );
      expect(r.rows[0]!.addr).toMatch(/^127\.0\.0\.1/);
      dir = r.rows[0]!.dirs.split(',')[0]!.trim();
    } finally {
      await tcp.close();
    }
    const u = new URL(ADMIN_URL);
    u.searchParams.set('host', dir);
    const db = await openDatabase({ url: u.toString(), poolSize: 1 });
    try {
      const r = await sql<{ addr: string | null }>`select inet_server_addr()::text as addr`.execute(db.db);
      expect(r.rows[0]!.addr).toBeNull(); // null: not a TCP connection
    } finally {
      await db.close();
    }
  });
});
