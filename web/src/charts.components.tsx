import type { JSX, RefObject } from 'preact';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { formatNumber, formatPercent, t } from './i18n/i18n.ts';
import { labelShown, overallRate, rateRuns, type RatePoint } from './activity.ts';

/** Colours of series, each with at least 3:1 contrast against white (WCAG 1.4.11). */
export const SERIES_COLOURS = ['#1f5fa8', '#b3261e', '#2e7d32', '#8a4f00', '#6a1b9a', '#00695c'];

/** The width a chart is drawn at before its figure is measured (and where it cannot be). */
const DEFAULT_WIDTH = 640;
/** The narrowest a chart is drawn at. */
const MIN_WIDTH = 240;

/**
 * The width of a chart's figure in CSS pixels, followed as it changes. Charts draw in these units
 * (their viewBox is as wide as the figure), so that labels keep their 12 px on a phone instead of
 * shrinking with a scaled drawing.
 */
function useFigureWidth(): [RefObject<HTMLElement | null>, number] {
  const figure = useRef<HTMLElement>(null);
  const [width, setWidth] = useState(DEFAULT_WIDTH);
  useLayoutEffect(() => {
    const element = figure.current;
    if (element === null) return;
    const measure = (): void => {
      const measured = Math.floor(element.getBoundingClientRect().width);
      if (measured > 0) setWidth(Math.max(MIN_WIDTH, measured));
    };
    measure();
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => {
      observer.disconnect();
    };
  }, []);
  return [figure, width];
}

/** A chart's padding around the plot area, in SVG units. */
interface Padding {
  readonly left: number;
  readonly bottom: number;
  readonly top: number;
}

/** The x axis line and the top and bottom labels of the value axis. */
function ValueAxis(
  props: Readonly<{ width: number; height: number; pad: Padding; top: string; bottom: string }>,
): JSX.Element {
  const { width, height, pad } = props;
  return (
    <>
      <line
        x1={pad.left}
        y1={height - pad.bottom}
        x2={width}
        y2={height - pad.bottom}
        class="axis"
      />
      <text x={pad.left - 4} y={pad.top + 8} text-anchor="end" class="tick">
        {props.top}
      </text>
      <text x={pad.left - 4} y={height - pad.bottom} text-anchor="end" class="tick">
        {props.bottom}
      </text>
    </>
  );
}

/** One bar group: a label (a day) and a value per series. */
export interface BarGroup {
  readonly label: string;
  readonly values: Readonly<Record<string, number>>;
}

/**
 * Stacked bars, one per group, one colour per series, drawn as SVG with a legend; the same
 * numbers are in a table for screen readers and keyboard users.
 */
export function StackedBarChart(
  props: Readonly<{
    title: string;
    groups: readonly BarGroup[];
    series: readonly string[];
    /** A series' name in words (the series are codes). */
    seriesName: (series: string) => string;
  }>,
): JSX.Element {
  const [figure, width] = useFigureWidth();
  const height = 220;
  const pad = { left: 36, bottom: 40, top: 10 };
  const totals = props.groups.map((group) =>
    props.series.reduce((sum, name) => sum + (group.values[name] ?? 0), 0),
  );
  const max = Math.max(1, ...totals);
  // Room on the right for half of the last day's label.
  const slot = (width - pad.left - 16) / Math.max(1, props.groups.length);
  const scale = (value: number): number => (value / max) * (height - pad.bottom - pad.top);
  return (
    <figure class="chart" ref={figure}>
      <figcaption>{props.title}</figcaption>
      <svg
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-label={t('charts.barsLabel', {
          title: props.title,
          days: formatNumber(props.groups.length),
          max: formatNumber(max),
        })}
      >
        <ValueAxis width={width} height={height} pad={pad} top={String(max)} bottom="0" />
        {props.groups.map((group, index) => {
          let y = height - pad.bottom;
          const x = pad.left + index * slot + slot * 0.15;
          return (
            <g key={group.label}>
              {props.series.map((name, seriesIndex) => {
                const h = scale(group.values[name] ?? 0);
                y -= h;
                return h === 0 ? null : (
                  <rect
                    key={name}
                    x={x}
                    y={y}
                    width={slot * 0.7}
                    height={h}
                    fill={SERIES_COLOURS[seriesIndex % SERIES_COLOURS.length]}
                  >
                    <title>{`${group.label} ${props.seriesName(name)}: ${formatNumber(group.values[name] ?? 0)}`}</title>
                  </rect>
                );
              })}
              {labelShown({ index, count: props.groups.length, slot }) ? (
                <text
                  x={x + slot * 0.35}
                  y={height - pad.bottom + 14}
                  text-anchor="middle"
                  class="tick day"
                >
                  {group.label.slice(5)}
                </text>
              ) : null}
            </g>
          );
        })}
      </svg>
      <ul class="legend">
        {props.series.map((name, index) => (
          <li key={name}>
            <span
              class="swatch"
              style={{ background: SERIES_COLOURS[index % SERIES_COLOURS.length] }}
              aria-hidden="true"
            />
            {props.seriesName(name)}
          </li>
        ))}
      </ul>
      <details>
        <summary>{t('charts.dataTable')}</summary>
        {/* A table wider than a phone scrolls in its box: keyboard users reach it by Tab (axe
            scrollable-region-focusable), and it is named for them. */}
        <div
          class="table-scroll"
          tabIndex={0}
          role="region"
          aria-label={t('charts.dataTableOf', { title: props.title })}
        >
          <table>
            <thead>
              <tr>
                <th scope="col">{t('charts.day')}</th>
                {props.series.map((name) => (
                  <th scope="col" key={name}>
                    {props.seriesName(name)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {props.groups.map((group) => (
                <tr key={group.label}>
                  <th scope="row">{group.label}</th>
                  {props.series.map((name) => (
                    <td key={name}>{group.values[name] ?? 0}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}

/** A line of rates (0-100 %) per day, as SVG, with the numbers in a list. */
export function RateLineChart(
  props: Readonly<{ title: string; points: readonly RatePoint[] }>,
): JSX.Element {
  const [figure, width] = useFigureWidth();
  const height = 200;
  const pad = { left: 40, bottom: 30, top: 10 };
  // Room on the right for half of the last day's label.
  const step = (width - pad.left - 24) / Math.max(1, props.points.length - 1);
  const xy = props.points.map((point, index) => ({
    x: pad.left + index * step,
    y: height - pad.bottom - (point.rate ?? 0) * (height - pad.bottom - pad.top),
  }));
  const average = overallRate(props.points);
  return (
    <figure class="chart" ref={figure}>
      <figcaption>{props.title}</figcaption>
      <svg
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-label={t('charts.rateLabel', {
          title: props.title,
          rate: formatPercent(average),
          days: formatNumber(props.points.length),
        })}
      >
        <ValueAxis width={width} height={height} pad={pad} top="100%" bottom="0%" />
        {rateRuns(props.points).map((run) => (
          <polyline
            key={run[0]}
            points={run.map((index) => `${String(xy[index]?.x)},${String(xy[index]?.y)}`).join(' ')}
            fill="none"
            stroke={SERIES_COLOURS[1]}
            stroke-width="2"
          />
        ))}
        {props.points.map((point, index) =>
          point.rate === undefined ? null : (
            <circle
              key={point.label}
              cx={xy[index]?.x}
              cy={xy[index]?.y}
              r="4"
              fill={SERIES_COLOURS[1]}
            >
              <title>
                {t('charts.point', {
                  day: point.label,
                  rate: formatPercent(point.rate),
                  of: formatNumber(point.of),
                })}
              </title>
            </circle>
          ),
        )}
        {props.points.map((point, index) =>
          labelShown({ index, count: props.points.length, slot: step }) ? (
            <text
              key={`label-${point.label}`}
              x={xy[index]?.x}
              y={height - pad.bottom + 16}
              text-anchor="middle"
              class="tick day"
            >
              {point.label.slice(5)}
            </text>
          ) : null,
        )}
      </svg>
      <p>{t('charts.overall', { rate: formatPercent(average) })}</p>
    </figure>
  );
}

/** Horizontal bars of counts by key (regions), with the numbers written out. */
export function CountBars(
  props: Readonly<{
    title: string;
    counts: Readonly<Record<string, number>>;
    /** A key in words (the keys are codes: regions, purposes). */
    labelOf: (key: string) => string;
  }>,
): JSX.Element {
  const entries = Object.entries(props.counts).sort((a, b) => b[1] - a[1]);
  const max = Math.max(1, ...entries.map(([, count]) => count));
  return (
    <figure class="chart">
      <figcaption>{props.title}</figcaption>
      {entries.length === 0 ? (
        <p class="empty">{t('charts.none')}</p>
      ) : (
        <ul class="count-bars">
          {entries.map(([key, count]) => (
            <li key={key}>
              <span class="count-label">{props.labelOf(key)}</span>
              <svg viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">
                <rect
                  x="0"
                  y="0"
                  width={(count / max) * 100}
                  height="10"
                  fill={SERIES_COLOURS[0]}
                />
              </svg>
              <span class="count-value">{formatNumber(count)}</span>
            </li>
          ))}
        </ul>
      )}
    </figure>
  );
}
