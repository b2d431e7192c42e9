// One public port for both protocols: a connection that opens with the HTTP/2 client preface
// (gRPC, plaintext) is piped to the internal gRPC server; anything else goes to the HTTP server.
import type { Server as HttpServer } from 'node:http';
import net from 'node:net';

const PREFACE = Buffer.from('PRI * HTTP/2.0');

export function listenMultiplexed(opts: {
  httpServer: HttpServer;
  grpcPort: number;
  port: number;
  host: string;
}): Promise<net.Server> {
  const server = net.createServer({ pauseOnConnect: false }, (socket) => {
    socket.once('data', (first: Buffer) => {
      socket.pause();
      if (
        first.subarray(0, PREFACE.length).equals(PREFACE) ||
        PREFACE.subarray(0, first.length).equals(first)
      ) {
        const upstream = net.connect(opts.grpcPort, '127.0.0.1', () => {
          upstream.write(first);
          socket.pipe(upstream).pipe(socket);
          socket.resume();
        });
        const close = () => {
          socket.destroy();
          upstream.destroy();
        };
        upstream.on('error', close);
        socket.on('error', close);
        socket.on('close', () => upstream.destroy());
        upstream.on('close', () => socket.destroy());
        return;
      }
      socket.unshift(first);
      opts.httpServer.emit('connection', socket);
      socket.resume();
    });
    socket.on('error', () => socket.destroy());
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve(server));
  });
}
