// The floor under any checkout through HTTP on this machine: a Fastify server with one route that
// parses the JSON body and answers 201 with a stored answer of a real sale's size. No database,
// no validation, no pricing. Started by bench/http-floor.ts.
import Fastify from 'fastify';

const size = Number(process.env.ANSWER_BYTES ?? 2400);
const answer = JSON.stringify({ id: 'sale_floor', padding: 'x'.repeat(Math.max(0, size - 40)) });
const app = Fastify();
app.post('/api/v1/sales', async (_req, reply) =>
  reply.status(201).header('content-type', 'application/json; charset=utf-8').send(answer),
);
await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });
process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
