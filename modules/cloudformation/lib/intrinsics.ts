/**
 * CloudFormation intrinsic functions as plain objects, for the template generator. Pure.
 * @module
 */

/** A CloudFormation value: literal or intrinsic function. */
export type Cfn = unknown;

/** `AWS::NoValue`: drops the enclosing property or list element. */
export const NO_VALUE: Cfn = { Ref: "AWS::NoValue" };

/** `Ref`. */
export const ref = (name: string): Cfn => ({ Ref: name });

/** `Fn::GetAtt`. */
export const getAtt = (resource: string, attribute: string): Cfn => ({
  "Fn::GetAtt": [resource, attribute],
});

/** `Fn::Sub` (with variables when given). */
export const sub = (text: string, vars?: Record<string, Cfn>): Cfn =>
  vars && Object.keys(vars).length > 0 ? { "Fn::Sub": [text, vars] } : { "Fn::Sub": text };

/** `Fn::Join` with a literal delimiter. */
export const join = (delimiter: string, items: Cfn): Cfn => ({
  "Fn::Join": [delimiter, items],
});

/** `Fn::Split` with a literal delimiter. */
export const split = (delimiter: string, source: Cfn): Cfn => ({
  "Fn::Split": [delimiter, source],
});

/** `Fn::Select`. */
export const select = (index: number, list: Cfn): Cfn => ({
  "Fn::Select": [index, list],
});

/** `Fn::If` (the false branch defaults to `AWS::NoValue`). */
export const iff = (
  condition: string,
  then: Cfn,
  otherwise: Cfn = NO_VALUE,
): Cfn => ({
  "Fn::If": [condition, then, otherwise],
});

/** `Fn::Equals`. */
export const equals = (a: Cfn, b: Cfn): Cfn => ({ "Fn::Equals": [a, b] });

/** `Fn::Not`. */
export const not = (c: Cfn): Cfn => ({ "Fn::Not": [c] });

/** A reference to a named condition inside another condition. */
export const cond = (name: string): Cfn => ({ Condition: name });

function group(fn: "Fn::And" | "Fn::Or", items: Cfn[]): Cfn {
  if (items.length === 0) throw new Error(`${fn} of nothing`);
  if (items.length === 1) return items[0];
  // Fn::And and Fn::Or take 2 to 10 conditions: nest larger sets.
  if (items.length <= 10) return { [fn]: items };
  const chunks: Cfn[] = [];
  for (let i = 0; i < items.length; i += 10) {
    chunks.push(group(fn, items.slice(i, i + 10)));
  }
  return group(fn, chunks);
}

/** `Fn::And` of any number of conditions (nested in tens; one condition is itself). */
export const and = (...items: Cfn[]): Cfn => group("Fn::And", items);

/** `Fn::Or` of any number of conditions (nested in tens; one condition is itself). */
export const or = (...items: Cfn[]): Cfn => group("Fn::Or", items);

/** A condition that holds when `needle` occurs in the string `haystack` (split-and-rejoin). */
export const contains = (haystack: Cfn, needle: string): Cfn =>
  not(equals(join("", split(needle, haystack)), haystack));
