// A step performed on a sibling skill's MCP server through the official SDK client: what
// `client.callTool()` returns is reported as it is, with no cast (strict TypeScript).

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { Pilot, type PilotTransition } from 'vmware-pilot';

export async function performOn(client: Client, pilot: Pilot, id: string, t: PilotTransition): Promise<PilotTransition> {
  let cur = t;
  while (cur.checkpoint.kind === 'dispatch') {
    for (const req of cur.checkpoint.requests) {
      const result = await client.callTool({ name: req.tool, arguments: req.params });
      cur = pilot.report(id, req.index, { toolResult: result });
    }
  }
  return cur;
}
