import { BadRequestError } from '../errors';

const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Checks an experiment or trial id taken from the URL before it reaches the service (ids become
 * folder names there). Returns the id. Throws BadRequestError naming the parameter.
 */
export function checkId(name: 'id' | 'trialId', value: string | undefined): string {
  if (value === undefined || !ID_PATTERN.test(value)) {
    throw new BadRequestError(`params/${name}`, `${JSON.stringify(value ?? '')} is not a valid ${name === 'id' ? 'experiment' : 'trial'} id (letters, digits, "_" and "-", at most 64)`);
  }
  return value;
}
