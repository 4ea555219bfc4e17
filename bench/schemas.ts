/**
 * The same shapes three ways: Zod (bulkwright), Mongoose, and nothing (raw driver, mongoimport).
 * The Zod and Mongoose schemas check the same things, so "with validation" means the same work.
 */
import { Schema } from 'mongoose';
import { z } from 'zod';
import type { DocKind } from './data.js';

export const smallZod = z.object({
  seq: z.number().int(),
  name: z.string().min(1),
  email: z.email(),
  age: z.number().int().min(0).max(150),
  active: z.boolean(),
  score: z.number(),
  tags: z.array(z.string()),
  address: z.object({ city: z.string(), zip: z.string() }),
});

const item = z.object({
  sku: z.string(),
  name: z.string(),
  qty: z.number().int().min(1),
  price: z.number().min(0),
  attrs: z.object({ color: z.string(), size: z.string() }),
});

export const mediumZod = z.object({
  orderId: z.string(),
  seq: z.number().int(),
  status: z.enum(['pending', 'paid', 'shipped', 'cancelled']),
  customer: z.object({
    name: z.string(),
    email: z.email(),
    address: z.object({
      street: z.string(),
      city: z.string(),
      zip: z.string(),
      country: z.string().length(2),
    }),
  }),
  items: z.array(item),
  totals: z.object({ subtotal: z.number(), tax: z.number(), shipping: z.number(), total: z.number() }),
  tags: z.array(z.string()),
  notes: z.string(),
});

export const zodSchemas = { small: smallZod, medium: mediumZod } as const satisfies Record<
  DocKind,
  z.ZodObject
>;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function mongooseSchema(kind: DocKind): Schema {
  const options = { versionKey: false, strict: true } as const;
  if (kind === 'small') {
    return new Schema(
      {
        seq: { type: Number, required: true },
        name: { type: String, required: true, minlength: 1 },
        email: { type: String, required: true, match: EMAIL },
        age: { type: Number, required: true, min: 0, max: 150 },
        active: { type: Boolean, required: true },
        score: { type: Number, required: true },
        tags: [String],
        address: { city: { type: String, required: true }, zip: { type: String, required: true } },
      },
      options,
    );
  }
  const itemSchema = new Schema(
    {
      sku: { type: String, required: true },
      name: { type: String, required: true },
      qty: { type: Number, required: true, min: 1 },
      price: { type: Number, required: true, min: 0 },
      attrs: { color: { type: String, required: true }, size: { type: String, required: true } },
    },
    { _id: false },
  );
  return new Schema(
    {
      orderId: { type: String, required: true },
      seq: { type: Number, required: true },
      status: { type: String, required: true, enum: ['pending', 'paid', 'shipped', 'cancelled'] },
      customer: {
        name: { type: String, required: true },
        email: { type: String, required: true, match: EMAIL },
        address: {
          street: { type: String, required: true },
          city: { type: String, required: true },
          zip: { type: String, required: true },
          country: { type: String, required: true, minlength: 2, maxlength: 2 },
        },
      },
      items: [itemSchema],
      totals: {
        subtotal: { type: Number, required: true },
        tax: { type: Number, required: true },
        shipping: { type: Number, required: true },
        total: { type: Number, required: true },
      },
      tags: [String],
      notes: { type: String, required: true },
    },
    options,
  );
}
