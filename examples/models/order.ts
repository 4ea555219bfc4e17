/** The demo's model: orders with a nested customer, line items and dates; one order per orderId. */
import { z } from 'zod';
import { defineModel } from '../../src/index.js';

export const orderSchema = z.object({
  orderId: z.string().regex(/^ord-\d+$/),
  status: z.enum(['pending', 'paid', 'shipped', 'cancelled']),
  placedAt: z.coerce.date(),
  customer: z.object({
    name: z.string().min(1),
    email: z.email(),
    address: z.object({ city: z.string(), country: z.string().length(2) }),
  }),
  items: z
    .array(z.object({ sku: z.string(), qty: z.number().int().positive(), price: z.number().nonnegative() }))
    .min(1),
  total: z.number().nonnegative(),
});

export default defineModel({
  collection: 'orders',
  schema: orderSchema,
  indexes: [{ key: { orderId: 1 }, unique: true, name: 'orderId_unique' }],
  timestamps: true,
});
