/** Classes of a link inside text or a table cell: underlined on hover, a visible focus ring. */
export const TEXT_LINK =
  'rounded underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-ring';
