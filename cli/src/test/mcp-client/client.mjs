// A real MCP client from outside the Java SDK: the official TypeScript SDK starts
// `memvault mcp` as a subprocess over stdio, runs one fixed session, and prints what it saw as
// one JSON object on standard output. McpStdioClientTest asserts on that object.
//
// Usage: node client.mjs --hidden-id ID -- COMMAND [ARGS...]      (stdio: starts COMMAND)
//        node client.mjs --hidden-id ID --url URL --token TOKEN   (streamable HTTP)
//   ID: a memory in a scope the server does not serve; every way of reaching it must fail
//   exactly as an id that does not exist. A stdio server's environment is this process's.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const separator = process.argv.indexOf('--');
const options = separator < 0 ? process.argv.slice(2) : process.argv.slice(2, separator);
const command = separator < 0 ? [] : process.argv.slice(separator + 1);
const option = (name) => (options.includes(name) ? options[options.indexOf(name) + 1] : null);
const hiddenId = option('--hidden-id');
// Never a memory of any vault: version 7 UUIDs start with their time, and this one is in 1970.
const unknownId = '00000000-0000-7000-8000-000000000000';

const transportErrors = [];
const transport = option('--url')
  ? new StreamableHTTPClientTransport(new URL(option('--url')), {
      requestInit: { headers: { Authorization: 'Bearer ' + option('--token') } },
    })
  : new StdioClientTransport({
      command: command[0],
      args: command.slice(1),
      env: { ...process.env },
      stderr: 'inherit',
    });
transport.onerror = (error) => transportErrors.push(String(error));
const client = new Client({ name: 'memvault-mcp-test', version: '1.0.0' });

function text(result) {
  return result.content.filter((c) => c.type === 'text').map((c) => c.text).join('');
}

async function call(name, args) {
  const result = await client.callTool({ name, arguments: args });
  const body = text(result);
  let json = null;
  try {
    json = JSON.parse(body);
  } catch {
    // build_context answers with plain text, errors with one sentence
  }
  return { isError: result.isError === true, text: body, json };
}

async function read(uri) {
  try {
    const result = await client.readResource({ uri });
    return { ok: true, text: result.contents.map((c) => c.text).join('') };
  } catch (error) {
    return { ok: false, code: error.code ?? null, message: String(error.message) };
  }
}

const report = { transportErrors };
await client.connect(transport);
report.server = client.getServerVersion();
report.instructions = client.getInstructions() ?? null;
report.tools = (await client.listTools()).tools.map((t) => ({
  name: t.name,
  description: t.description,
  required: t.inputSchema.required ?? [],
  readOnlyHint: t.annotations?.readOnlyHint ?? null,
}));
report.resourceTemplates = (await client.listResourceTemplates()).resourceTemplates.map(
  (t) => t.uriTemplate,
);
report.resources = (await client.listResources()).resources.map((r) => r.uri);
report.scopes = await call('list_scopes', {});
report.search = await call('search_memories', { query: 'tabs' });
report.searchHidden = await call('search_memories', { query: 'vegetarian' });
report.searchHiddenScope = await call('search_memories', { query: 'vegetarian', scope: 'personal' });
report.searchMissingScope = await call('search_memories', { query: 'x', scope: 'no-such-scope' });
report.recent = await call('recent_memories', { limit: 50 });
report.context = await call('build_context', { topic: 'vegetarian food and tabs' });
report.getHidden = await call('get_memory', { id: hiddenId });
report.getUnknown = await call('get_memory', { id: unknownId });
report.readHidden = await read('memvault://memory/' + hiddenId);
report.readUnknown = await read('memvault://memory/' + unknownId);
if (report.tools.some((t) => t.name === 'add_memory')) {
  report.add = await call('add_memory', {
    text: 'Prefers answers with code samples in Kotlin',
    scope: 'work',
    kind: 'preference',
    tags: ['coding'],
  });
  const id = report.add.json?.memory?.id;
  report.get = await call('get_memory', { id });
  report.read = await read('memvault://memory/' + id);
  report.searchAdded = await call('search_memories', { query: 'Kotlin' });
  report.addHiddenScope = await call('add_memory', { text: 'x y', scope: 'personal' });
  report.updateHidden = await call('update_memory', { id: hiddenId, text: 'changed' });
  report.forgetHidden = await call('forget_memory', { id: hiddenId });
  report.forgetUnknown = await call('forget_memory', { id: unknownId });
  report.update = await call('update_memory', { id, text: 'Prefers code samples in Kotlin 2' });
  report.forget = await call('forget_memory', { id });
  report.getForgotten = await call('get_memory', { id });
}
report.badArguments = await call('recent_memories', { limit: 'many' });
// Closing aborts the HTTP transport's listening stream, which it may report as an error after
// the session: only what happened during the session is reported.
report.transportErrors = [...transportErrors];
await client.close();
process.stdout.write(JSON.stringify(report) + '\n');
