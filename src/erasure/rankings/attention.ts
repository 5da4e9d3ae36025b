import type { Ranking } from '../types.ts';
import { orderByScoreDescending } from './order.ts';

export const attention: Ranking = {
  name: 'attention',
  description: 'attention weight alpha_i, largest first',
  orders: 1,
  rank: ({ doc }) => [orderByScoreDescending(doc.alpha)],
};
