// One route handler for every method but OPTIONS, which Next.js answers itself.
const answer = () => new Response('ok', { headers: { 'X-Route': 'hit' } });

export const GET = answer;
export const POST = answer;
export const PUT = answer;
export const PATCH = answer;
export const DELETE = answer;
