import type { AssessorFactory } from '../assessor';
import { medianstopAssessorFactory } from './medianstop-assessor';
import { curvefittingAssessorFactory } from './curvefitting-assessor';

/**
 * Every built-in assessor factory, in a fixed order. Called by the composition root (the
 * experiment manager) to validate `assessor` blocks of configs and to create assessors; returns a
 * fresh array, nothing is registered globally.
 */
export function builtinAssessors(): AssessorFactory[] {
  return [medianstopAssessorFactory, curvefittingAssessorFactory];
}
