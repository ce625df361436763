/**
 * Where the docker engine runs in a VM (Docker Desktop, colima) or its own network
 * namespace (rootless), the internal network's gateway is not an address of the runner, so
 * host daemons cannot listen where the guest can dial. Then a relay sidecar bridges: it sits
 * on the run's internal network (alias RELAY_ALIAS) and on the default bridge, and pipes TCP
 * to the host daemons through host.docker.internal. It holds no secret: it only moves bytes.
 */
export const RELAY_ALIAS = 'bot-bottle-gateway'
export const RELAY_LABEL = 'bot-bottle.relay-for'

/**
 * The relay's program, run with `node -e` in the sidecar (nothing to mount or copy).
 * argv: target host, then the ports; each port is listened on and piped to the same port
 * on the target host.
 */
export const RELAY_SCRIPT = `
const net = require('node:net');
const [targetHost, ...ports] = process.argv.slice(1);
for (const port of ports.map(Number)) {
  net.createServer(client => {
    const upstream = net.connect(port, targetHost);
    const close = () => { client.destroy(); upstream.destroy(); };
    client.on('error', close); upstream.on('error', close);
    client.on('close', close); upstream.on('close', close);
    client.pipe(upstream); upstream.pipe(client);
  }).listen(port, '0.0.0.0', () => console.log('relay ' + port + ' -> ' + targetHost + ':' + port));
}
for (const s of ['SIGTERM', 'SIGINT']) process.on(s, () => process.exit(0));
`.trim()
