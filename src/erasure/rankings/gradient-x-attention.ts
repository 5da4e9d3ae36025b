import type { Ranking } from '../types.ts';
import { attentionGradient } from './gradient.ts';
import { orderByScoreDescending } from './order.ts';

export const gradientXAttention: Ranking = {
  name: 'gradient_x_attention',
  description: 'gradient times attention, g_i alpha_i (signed), largest first',
  orders: 1,
  rank: ({ doc }) => {
    if (doc.backend) return [orderByScoreDescending(doc.backend.gradientTimesAttention())];
    const g = attentionGradient(doc);
    for (let i = 0; i < doc.n; i++) g[i] = g[i]! * doc.alpha[i]!;
    return [orderByScoreDescending(g)];
  },
};
